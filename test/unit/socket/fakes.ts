// Fakes shared by the outbox unit tests: options, hooks, a writer over a mock
// bufferedAmount, in-memory storages and a Storage (localStorage) double.
import { resolveOptions, type QueueOptions } from '../../../src/socket/options'
import { createOutbox, type DropReason, type OutboxItem, type Writer } from '../../../src/socket/outbox'
import { persistOutbox, type OutboxStorage, type StoredFrame } from '../../../src/socket/persist'
import { systemClock, type Clock } from '../../../src/timers'

export const queueOptions = (queue: QueueOptions = {}) => {
  const resolved = resolveOptions({ queue }).queue
  if (!resolved) throw new Error('queue resolved to false')
  return resolved
}

/** An outbox with recording hooks. */
export function setup(queue: QueueOptions = {}, clock: Clock = systemClock) {
  const drops: { frames: unknown[]; reason: DropReason }[] = []
  const errors: unknown[] = []
  const outbox = createOutbox(queueOptions(queue), clock, {
    drop: (items, reason) => drops.push({ frames: items.map((i) => i.frame), reason }),
    error: (err) => errors.push(err),
  })
  return { outbox, drops, errors }
}

/**
 * A writer over a mock socket: `buffered` plays `bufferedAmount` (every write
 * adds its length), and ready() is the outbox's rule: at or under the mark.
 */
export function fakeWriter(highWaterMark = Infinity) {
  const written: OutboxItem[] = []
  const state = { buffered: 0 }
  const writer: Writer = {
    ready: () => state.buffered <= highWaterMark,
    write(item) {
      written.push(item)
      state.buffered += typeof item.frame == 'string' ? item.frame.length : 0
    },
  }
  return { writer, written, state, frames: () => written.map((i) => i.frame) }
}

/**
 * A synchronous OutboxStorage over an array; `log` records every call. `backend` is the raw one,
 * `storage` the adapter queue.storage takes (reading the backend's members at each call, so a test
 * may replace them).
 */
export function memoryStorage(initial: StoredFrame[] = []) {
  const frames = [...initial]
  const log: string[] = []
  const backend: OutboxStorage = {
    load: () => {
      log.push('load')
      return frames.map((f) => ({ ...f }))
    },
    // Like the real adapters: a frame with a known id replaces the stored one.
    add: (f) => {
      log.push(`add ${f.id}`)
      const index = frames.findIndex((stored) => stored.id === f.id)
      if (index >= 0) frames[index] = { ...f }
      else frames.push({ ...f })
    },
    remove: (ids) => {
      log.push(`remove ${ids.join(',')}`)
      for (const id of ids) {
        const i = frames.findIndex((f) => f.id === id)
        if (i >= 0) frames.splice(i, 1)
      }
    },
  }
  const storage = persistOutbox({
    load: () => backend.load(),
    add: (frame) => backend.add(frame),
    remove: (ids) => backend.remove(ids),
  })
  return { storage, backend, frames, log }
}

/** A `Storage` double; setItem throws QuotaExceededError past `quota` characters. */
export class FakeStorage implements Storage {
  readonly map = new Map<string, string>()
  constructor(private quota = Infinity) {}
  get length() {
    return this.map.size
  }
  key(i: number) {
    return [...this.map.keys()][i] ?? null
  }
  getItem(k: string) {
    return this.map.get(k) ?? null
  }
  setItem(k: string, v: string) {
    let used = 0
    for (const [key, value] of this.map) if (key !== k) used += key.length + value.length
    if (used + k.length + v.length > this.quota) throw new DOMException('quota exceeded', 'QuotaExceededError')
    this.map.set(k, String(v))
  }
  removeItem(k: string) {
    this.map.delete(k)
  }
  clear() {
    this.map.clear()
  }
}
