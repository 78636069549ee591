// The outbox with a storage: what is stored, when it leaves, reloads, and
// falling back to memory when the storage fails.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { persistOutbox, type OutboxStorage } from '../../../src/socket/persist'
import { fakeWriter, memoryStorage, setup } from './fakes'
import { flush } from '../../helpers/flush'

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 })
})
afterEach(() => {
  vi.useRealTimers()
})

describe('outbox: persistence', () => {
  it('stores persisted frames, text and binary, never calls, and removes them in one batch once written', async () => {
    const { storage, frames, log } = memoryStorage()
    const { outbox } = setup({ storage })
    await flush()
    outbox.push({ frame: 'a', persist: true })
    outbox.push({ frame: 'call', call: 1 })
    outbox.push({ frame: new Uint8Array([1, 2]), persist: true })
    outbox.push({ frame: 'b', persist: true })
    outbox.push({ frame: 'c' })
    await flush()
    expect(frames).toEqual([
      { id: 1, frame: 'a', at: 1_000_000 },
      { id: 2, frame: new Uint8Array([1, 2]), at: 1_000_000 },
      { id: 3, frame: 'b', at: 1_000_000 },
    ])
    const w = fakeWriter()
    outbox.attach(w.writer)
    await flush()
    expect(w.written).toHaveLength(5)
    expect(frames).toEqual([])
    expect(log).toEqual(['load', 'add 1', 'add 2', 'add 3', 'remove 1,2,3'])
  })

  it("stores an ArrayBuffer's or a view's own bytes as a Uint8Array copy, and a Blob as it is", async () => {
    const { storage, frames } = memoryStorage()
    const { outbox } = setup({ storage })
    await flush()
    const buffer = new Uint8Array([9, 8, 7, 6, 5]).buffer
    const view = new Uint16Array(buffer.slice(0, 4), 2, 1)
    const blob = new Blob(['xyz'])
    for (const frame of [buffer, new DataView(buffer, 1, 2), view, blob]) outbox.push({ frame, persist: true })
    await flush()
    expect(frames.map((stored) => stored.frame)).toEqual([new Uint8Array([9, 8, 7, 6, 5]), new Uint8Array([8, 7]), new Uint8Array([7, 6]), blob])
    // A copy: the app may reuse its buffer once send returned.
    new Uint8Array(buffer)[0] = 0
    expect(frames[0]!.frame).toEqual(new Uint8Array([9, 8, 7, 6, 5]))
  })

  it('loads binary frames back after a reload, counted by their bytes, and writes them first', async () => {
    const stored = [{ id: 3, frame: new Uint8Array([7]), at: 1_000_000 }, { id: 4, frame: new Uint8Array([1, 2, 3]), at: 1_000_000 }, { id: 5, frame: 'text', at: 1_000_000 }]
    const { storage } = memoryStorage(stored)
    // 8 bytes loaded against a bound of 7: exactly the oldest one-byte frame goes.
    const { outbox, drops } = setup({ storage, maxBytes: 7 })
    await flush()
    expect(drops).toEqual([{ frames: [new Uint8Array([7])], reason: 'overflow' }])
    const w = fakeWriter()
    outbox.attach(w.writer)
    await flush()
    expect(w.frames()).toEqual([new Uint8Array([1, 2, 3]), 'text'])
  })

  it('never stores a frame that is written straight through', async () => {
    const { storage, log } = memoryStorage()
    const { outbox } = setup({ storage })
    await flush()
    outbox.attach(fakeWriter().writer)
    expect(outbox.push({ frame: 'a', persist: true })).toBe('sent')
    await flush()
    expect(log).toEqual(['load'])
  })

  it('removes stored copies of dropped and expired frames', async () => {
    const { storage, frames } = memoryStorage()
    const { outbox, drops } = setup({ storage, maxMessages: 2, ttl: 1000 })
    await flush()
    for (const frame of ['a', 'b', 'c']) outbox.push({ frame, persist: true })
    await flush()
    expect(frames.map((f) => f.frame)).toEqual(['b', 'c'])
    vi.advanceTimersByTime(1000)
    await flush()
    expect(frames).toEqual([])
    expect(drops.map((d) => d.reason)).toEqual(['overflow', 'expired'])
  })

  it('reload: a new outbox on the same storage sends the frames once, in order, before newer ones', async () => {
    const { storage, frames } = memoryStorage()
    const before = setup({ storage })
    await flush()
    for (const frame of ['a', 'b', 'c']) before.outbox.push({ frame, persist: true })
    await flush()
    // The page reloads: the old outbox is gone without close().
    const after = setup({ storage })
    const w = fakeWriter()
    after.outbox.attach(w.writer)
    expect(after.outbox.push({ frame: 'd', persist: true })).toBe('queued') // the load is still running
    expect(w.written).toEqual([])
    await flush()
    expect(w.frames()).toEqual(['a', 'b', 'c', 'd'])
    await flush()
    expect(frames).toEqual([])
    const third = setup({ storage })
    const w3 = fakeWriter()
    third.outbox.attach(w3.writer)
    await flush()
    expect(w3.written).toEqual([])
  })

  it('gives frames queued during the load ids after the stored ones', async () => {
    const { storage, frames } = memoryStorage([{ id: 41, frame: 'old', at: 999_000 }])
    const { outbox } = setup({ storage })
    outbox.push({ frame: 'new', persist: true })
    await flush()
    expect(frames).toEqual([{ id: 41, frame: 'old', at: 999_000 }, { id: 42, frame: 'new', at: 1_000_000 }])
    expect(outbox.size).toBe(2)
  })

  it('drops loaded frames past ttl as expired, and trims to the bounds oldest first', async () => {
    const stored = [
      { id: 1, frame: 'stale', at: 1_000_000 - 5000 },
      { id: 2, frame: 'x', at: 1_000_000 - 10 },
      { id: 3, frame: 'y', at: 1_000_000 - 5 },
    ]
    const { storage, frames } = memoryStorage(stored)
    const { outbox, drops } = setup({ storage, ttl: 1000, maxMessages: 2 })
    outbox.push({ frame: 'z' })
    await flush()
    expect(drops).toEqual([{ frames: ['stale'], reason: 'expired' }, { frames: ['x'], reason: 'overflow' }])
    const w = fakeWriter()
    outbox.attach(w.writer)
    expect(w.frames()).toEqual(['y', 'z'])
    await flush()
    expect(frames).toEqual([])
  })

  it("close 'flush' keeps stored copies for the next page; 'discard' removes them", async () => {
    const kept = memoryStorage()
    const flushing = setup({ storage: kept.storage })
    await flush()
    flushing.outbox.push({ frame: 'a', persist: true })
    flushing.outbox.close()
    await flush()
    expect(flushing.drops).toEqual([{ frames: ['a'], reason: 'closed' }])
    expect(kept.frames.map((f) => f.frame)).toEqual(['a'])

    const gone = memoryStorage()
    const discarding = setup({ storage: gone.storage, onClose: 'discard' })
    await flush()
    discarding.outbox.push({ frame: 'a', persist: true })
    discarding.outbox.close()
    await flush()
    expect(gone.frames).toEqual([])
  })

  it("close during the load: 'discard' still removes what the load finds", async () => {
    const { storage, frames } = memoryStorage([{ id: 1, frame: 'old', at: 1 }])
    const { outbox } = setup({ storage, onClose: 'discard' })
    outbox.close()
    await flush()
    expect(frames).toEqual([])
  })
})

describe('outbox: storage failures', () => {
  const failing = (overrides: Partial<OutboxStorage>) => persistOutbox({ ...memoryStorage().backend, ...overrides })

  it.each([
    ['load throws', { load: () => { throw new Error('boom') } }],
    ['load rejects', { load: () => Promise.reject(new Error('boom')) }],
    ['load returns garbage', { load: () => 'nope' as never }],
    ['add throws (quota)', { add: () => { throw new DOMException('full', 'QuotaExceededError') } }],
    ['add rejects', { add: () => Promise.reject(new Error('boom')) }],
  ])('%s: one error event, frames kept in memory', async (_name, overrides) => {
    const { outbox, errors } = setup({ storage: failing(overrides) })
    for (const frame of ['a', 'b', 'c']) outbox.push({ frame, persist: true })
    await flush()
    outbox.push({ frame: 'd', persist: true })
    await flush()
    expect(errors).toHaveLength(1)
    const w = fakeWriter()
    outbox.attach(w.writer)
    await flush()
    expect(w.frames()).toEqual(['a', 'b', 'c', 'd'])
    expect(errors).toHaveLength(1)
  })

  it('stops adding after a failure but still removes, so a reload sends nothing twice', async () => {
    const { storage, backend, frames, log } = memoryStorage()
    let full = false
    const add = backend.add
    backend.add = (f) => {
      if (full) throw new DOMException('full', 'QuotaExceededError')
      return add(f)
    }
    const { outbox, errors } = setup({ storage })
    await flush()
    outbox.push({ frame: 'a', persist: true })
    full = true
    outbox.push({ frame: 'b', persist: true })
    outbox.push({ frame: 'c', persist: true })
    await flush()
    expect(errors).toHaveLength(1)
    outbox.attach(fakeWriter().writer)
    await flush()
    expect(frames).toEqual([])
    expect(log.filter((l) => l.startsWith('add'))).toEqual(['add 1'])
  })
})
