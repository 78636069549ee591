// The outbox keeps a written frame until the layer above confirms it: positions, cumulative
// acknowledgements, a drop that puts held frames back, a gated attach released by resume(), and
// stored copies that keep their position and session across a reload.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { fakeWriter, memoryStorage, setup } from './fakes'
import { createOutbox } from '../../../src/socket/outbox'
import { queueOptions } from './fakes'
import { systemClock } from '../../../src/timers'
import { flush } from '../../helpers/flush'

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 })
})
afterEach(() => {
  vi.useRealTimers()
})

describe('outbox: holding until acknowledged', () => {
  it('numbers frames from 1 as they are written and lets go cumulatively', () => {
    const { outbox } = setup()
    outbox.push({ frame: 'a' })
    const socket = fakeWriter()
    outbox.attach(socket.writer, { hold: true })
    outbox.push({ frame: 'b' })
    outbox.push({ frame: 'c' })
    expect([outbox.position, outbox.held, outbox.size]).toEqual([3, 3, 0])
    outbox.acknowledge(2)
    expect(outbox.held).toBe(1)
    // An older acknowledgement changes nothing.
    outbox.acknowledge(1)
    expect(outbox.held).toBe(1)
    outbox.acknowledge(3)
    expect(outbox.held).toBe(0)
    // Holding goes on: only Infinity (the plain rule) ends it.
    outbox.push({ frame: 'd' })
    expect(outbox.held).toBe(1)
    outbox.acknowledge(Infinity)
    outbox.push({ frame: 'e' })
    expect(outbox.held).toBe(0)
  })

  it('lets go of an answered call wherever it is: held, or put back after a drop', () => {
    const { outbox } = setup()
    outbox.attach(fakeWriter().writer, { hold: true })
    outbox.push({ frame: 'a' })
    outbox.push({ frame: 'call 1', call: 1 })
    outbox.push({ frame: 'b' })
    outbox.push({ frame: 'call 2', call: 2 })
    // Answered while held: the others keep their positions.
    outbox.answered(1)
    expect(outbox.held).toBe(3)
    outbox.acknowledge(2)
    expect(outbox.held).toBe(2)
    outbox.detach(true)
    // Answered after being put back (a reply can still arrive for a frame held across a drop).
    outbox.answered(2)
    expect([outbox.size, outbox.has(2)]).toEqual([1, false])
    const next = fakeWriter()
    outbox.attach(next.writer, { hold: true })
    expect(next.frames()).toEqual(['b'])
  })

  it('puts held frames back at the head on a drop, in order, and the call table sees them queued', () => {
    const { outbox } = setup()
    outbox.attach(fakeWriter().writer, { hold: true })
    outbox.push({ frame: 'a' })
    outbox.push({ frame: 'call', call: 1 })
    outbox.acknowledge(1)
    outbox.detach(false)
    expect(outbox.size).toBe(0)

    outbox.attach(fakeWriter().writer, { hold: true })
    outbox.push({ frame: 'b' })
    outbox.push({ frame: 'call 2', call: 2 })
    outbox.detach(true)
    outbox.push({ frame: 'c' })
    expect([outbox.size, outbox.has(2)]).toEqual([3, true])
    const next = fakeWriter()
    outbox.attach(next.writer, { hold: true })
    expect(next.frames()).toEqual(['b', 'call 2', 'c'])
    expect(outbox.position).toBe(3)
  })
})

describe('outbox: a gated attach', () => {
  it('writes nothing until resume(), then lets go of what the peer has and numbers the rest after it', () => {
    const { outbox } = setup()
    outbox.session = 's1'
    const first = fakeWriter()
    outbox.attach(first.writer, { hold: true, gate: true })
    outbox.resume(0)
    for (const frame of ['a', 'b', 'c', 'd']) outbox.push({ frame })
    expect(first.frames()).toEqual(['a', 'b', 'c', 'd'])
    outbox.acknowledge(1)
    outbox.detach(true)

    const second = fakeWriter()
    outbox.attach(second.writer, { hold: true, gate: true })
    outbox.push({ frame: 'e' })
    expect(second.frames()).toEqual([])
    // The peer got a, b and c before the drop (its count is 3): only d and e go, as 4 and 5.
    outbox.resume(3)
    expect(second.frames()).toEqual(['d', 'e'])
    expect([outbox.position, outbox.held, outbox.size]).toEqual([5, 2, 0])
  })

  it('sends everything again when the session is new (resume(0) after a session change)', () => {
    const { outbox } = setup()
    outbox.session = 'old'
    outbox.attach(fakeWriter().writer, { hold: true, gate: true })
    outbox.resume(0)
    outbox.push({ frame: 'a' })
    outbox.push({ frame: 'b' })
    outbox.detach(true)
    outbox.session = 'new'
    const next = fakeWriter()
    outbox.attach(next.writer, { hold: true, gate: true })
    // Positions of another session mean nothing here, even below `received`.
    outbox.resume(5)
    expect(next.frames()).toEqual(['a', 'b'])
    expect(outbox.position).toBe(7)
  })

  it('a resume without a gate does nothing', () => {
    const { outbox } = setup()
    const socket = fakeWriter()
    outbox.attach(socket.writer, { hold: true })
    outbox.push({ frame: 'a' })
    outbox.resume(10)
    expect([outbox.position, outbox.held]).toEqual([1, 1])
  })
})

describe('outbox: stored frames keep their position and session', () => {
  it('updates a stored copy once written on a session, and a reload drops what the server had', async () => {
    const { storage, frames } = memoryStorage()
    const { outbox } = setup({ storage })
    await flush()
    outbox.session = 'abc'
    outbox.attach(fakeWriter().writer, { hold: true, gate: true })
    outbox.resume(0)
    for (const frame of ['a', 'b', 'c']) outbox.push({ frame, persist: true })
    await flush()
    expect(frames.map(({ frame, position, session }) => [frame, position, session])).toEqual([
      ['a', 1, 'abc'], ['b', 2, 'abc'], ['c', 3, 'abc'],
    ])

    // The page reloads: a new outbox over the same storage.
    const reloaded = createOutbox(queueOptions({ storage }), systemClock, { drop: () => {}, error: () => {} })
    await reloaded.loaded
    expect([reloaded.storedSession, reloaded.size]).toEqual(['abc', 3])
    reloaded.session = 'abc'
    const socket = fakeWriter()
    reloaded.attach(socket.writer, { hold: true, gate: true })
    // The server had received two of them.
    reloaded.resume(2)
    expect(socket.frames()).toEqual(['c'])
    await flush()
    expect(frames.map(({ frame, position }) => [frame, position])).toEqual([['c', 3]])
  })

  it('updates the stored copies of loaded frames once written on a session, so a second reload trims them too', async () => {
    const { storage, frames } = memoryStorage([
      { id: 1, frame: 'a', at: 1_000_000 },
      { id: 2, frame: 'b', at: 1_000_000 },
    ])
    const page = createOutbox(queueOptions({ storage }), systemClock, { drop: () => {}, error: () => {} })
    await page.loaded
    page.session = 's1'
    page.attach(fakeWriter().writer, { hold: true, gate: true })
    page.resume(0)
    await flush()
    expect(frames.map(({ frame, position, session }) => [frame, position, session])).toEqual([['a', 1, 's1'], ['b', 2, 's1']])
  })

  it('counts held frames against maxBytes too', () => {
    const { outbox, drops } = setup({ maxBytes: 4 })
    outbox.attach(fakeWriter().writer, { hold: true })
    outbox.push({ frame: 'abc' })
    expect(outbox.push({ frame: 'de' })).toBe('dropped')
    expect(drops).toEqual([{ frames: ['de'], reason: 'overflow' }])
  })
})
