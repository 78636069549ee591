// Linear cost, proven by counting work rather than timing it: every array
// method the outbox could use is wrapped to charge the length it may touch,
// so a shift() in a loop or a too-eager compaction shows up as n² work.
import { expect, it } from 'vitest'
import { createOutbox, DRAIN_POLL, type Writer } from '../../../src/socket/outbox'
import type { Clock } from '../../../src/timers'
import { queueOptions } from './fakes'

const methods = ['shift', 'unshift', 'splice', 'slice', 'filter', 'map', 'flatMap', 'concat', 'indexOf', 'includes',
  'find', 'findIndex', 'forEach', 'reverse', 'sort', 'copyWithin', 'fill', 'every', 'some', 'reduce'] as const

function countArrayWork<T>(run: () => T): { work: number; shifts: number } {
  const proto = Array.prototype as unknown as Record<PropertyKey, (...args: unknown[]) => unknown>
  const saved = new Map<PropertyKey, (...args: unknown[]) => unknown>()
  let work = 0
  let shifts = 0
  for (const name of [...methods, Symbol.iterator]) {
    const original = proto[name]!
    saved.set(name, original)
    proto[name] = function (this: unknown[], ...args: unknown[]) {
      work += this.length + 1
      if (name === 'shift') shifts++
      return original.apply(this, args)
    }
  }
  try {
    run()
  } finally {
    for (const [name, original] of saved) proto[name] = original
  }
  return { work, shifts }
}

/** A clock whose timers run only when the test says so. */
function manualClock() {
  let now = 0
  let nextId = 0
  const timers = new Map<number, { at: number; fn: () => void }>()
  const clock: Clock = {
    now: () => now,
    setTimeout: (fn, ms) => {
      nextId++
      timers.set(nextId, { at: now + ms, fn })
      return nextId
    },
    clearTimeout: (id) => void timers.delete(id as number),
  }
  const advance = (ms: number) => {
    now += ms
    for (const [id, t] of timers) {
      if (t.at > now) continue
      timers.delete(id)
      t.fn()
    }
  }
  return { clock, advance }
}

/** Queue n frames (a third of them calls, half of those removed), then flush them through a buffer that fills every 1000 writes. */
function workload(n: number) {
  const { clock, advance } = manualClock()
  let writes = 0
  let sinceDrain = 0
  const outbox = createOutbox(queueOptions({ maxMessages: Infinity, maxBytes: Infinity, ttl: 1e9 }), clock, {
    drop: () => { throw new Error('nothing should drop') },
    error: () => { throw new Error('no storage here') },
  })
  const writer: Writer = {
    ready: () => sinceDrain < 1000,
    write: () => void (writes++, sinceDrain++),
  }
  const { work, shifts } = countArrayWork(() => {
    for (let i = 0; i < n; i++) {
      outbox.push(i % 3 ? { frame: `frame ${i}` } : { frame: `call ${i}`, call: i })
      if (i % 6 === 3) outbox.remove(i - 3)
    }
    outbox.attach(writer)
    while (outbox.size) {
      sinceDrain = 0
      advance(DRAIN_POLL)
    }
  })
  return { work, shifts, writes }
}

it('flushes 100,000 frames with linear work and no shift()', () => {
  const small = workload(10_000)
  const large = workload(100_000)
  const removed = Math.ceil(100_000 / 6)
  expect(large.writes).toBe(100_000 - removed)
  expect(large.shifts).toBe(0)
  // Ten times the frames: about ten times the work (n² would be a hundred times).
  expect(large.work / small.work).toBeLessThan(12)
  expect(large.work / 100_000).toBeLessThan(10)
})
