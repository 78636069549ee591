// A server that refuses a socket (4401/4403) accepts the upgrade first and
// reads nothing sent on it. The outbox holds what it writes to a socket until
// the server's first frame (`confirm`), and a refusal puts it back.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { fakeWriter, memoryStorage, setup } from './fakes'
import { flush } from '../../helpers/flush'

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 })
})
afterEach(() => {
  vi.useRealTimers()
})

describe('outbox: a refused socket', () => {
  it('puts what it wrote back at the head, in order, ahead of frames queued since', () => {
    const { outbox, drops } = setup()
    for (const frame of ['a', 'b']) outbox.push({ frame })
    const refused = fakeWriter()
    outbox.attach(refused.writer, { hold: true })
    expect(outbox.push({ frame: 'c' })).toBe('sent')
    expect([refused.frames(), outbox.held, outbox.size]).toEqual([['a', 'b', 'c'], 3, 0])

    outbox.detach(true)
    outbox.push({ frame: 'd' })
    expect([outbox.held, outbox.size]).toEqual([0, 4])
    const next = fakeWriter()
    outbox.attach(next.writer, { hold: true })
    expect(next.frames()).toEqual(['a', 'b', 'c', 'd'])
    expect(drops).toEqual([])
  })

  it('holds calls too, and puts them back: the server read nothing, so sending them again is safe', () => {
    const { outbox } = setup()
    outbox.push({ frame: 'a' })
    outbox.push({ frame: 'call', call: 7 })
    outbox.attach(fakeWriter().writer, { hold: true })
    expect(outbox.push({ frame: 'call 8', call: 8 })).toBe('sent')
    expect([outbox.held, outbox.has(7), outbox.has(8)]).toEqual([3, false, false])
    outbox.detach(true)
    // Back in the queue: the call table sees them as not yet written.
    expect([outbox.has(7), outbox.has(8)]).toEqual([true, true])
    const next = fakeWriter()
    outbox.attach(next.writer, { hold: true })
    expect(next.frames()).toEqual(['a', 'call', 'call 8'])
  })

  it('lets go of what it wrote once the server speaks, or when the socket ends any other way', () => {
    const { outbox } = setup()
    outbox.push({ frame: 'a' })
    outbox.attach(fakeWriter().writer, { hold: true })
    outbox.ackedByPeer()
    expect(outbox.push({ frame: 'b' })).toBe('sent')
    expect(outbox.held).toBe(0)
    outbox.detach(true)
    expect(outbox.size).toBe(0)

    outbox.push({ frame: 'c' })
    outbox.attach(fakeWriter().writer, { hold: true })
    expect(outbox.held).toBe(1)
    outbox.detach(false)
    expect([outbox.held, outbox.size]).toEqual([0, 0])
  })

  it('keeps stored copies while held, removes them once confirmed, and keeps them when put back', async () => {
    const { storage, frames } = memoryStorage()
    const { outbox } = setup({ storage })
    await flush()
    for (const frame of ['a', 'b']) outbox.push({ frame, persist: true })
    await flush()
    outbox.attach(fakeWriter().writer, { hold: true })
    outbox.detach(true)
    await flush()
    expect(frames.map((f) => [f.id, f.frame])).toEqual([[1, 'a'], [2, 'b']])

    // A reload now would find both, once each: they were put back, not stored again.
    const next = fakeWriter()
    outbox.attach(next.writer, { hold: true })
    expect(next.frames()).toEqual(['a', 'b'])
    outbox.ackedByPeer()
    await flush()
    expect(frames).toEqual([])
  })

  it('counts held frames against maxBytes: a silent server stops the flow instead of growing memory', async () => {
    const { storage, frames } = memoryStorage()
    const { outbox, drops } = setup({ storage, maxBytes: 3 })
    await flush()
    for (const frame of ['a', 'b', 'c']) outbox.push({ frame, persist: true })
    await flush()
    outbox.attach(fakeWriter().writer, { hold: true })
    expect(outbox.held).toBe(3)
    // Held frames may have reached the peer: they are never dropped, so the newcomer goes.
    expect(outbox.push({ frame: 'd' })).toBe('dropped')
    expect(drops).toEqual([{ frames: ['d'], reason: 'overflow' }])
    outbox.ackedByPeer()
    expect(outbox.push({ frame: 'e' })).toBe('sent')
    await flush()
    expect(frames).toEqual([])
  })

  it('does not count held frames against maxMessages: a burst written to an open socket is no backlog', async () => {
    const { outbox, drops } = setup({ maxMessages: 3 })
    const socket = fakeWriter()
    outbox.attach(socket.writer, { hold: true })
    for (const frame of ['a', 'b', 'c', 'd', 'e']) expect(outbox.push({ frame })).toBe('sent')
    expect([outbox.held, outbox.size, drops]).toEqual([5, 0, []])
  })

  it('holds nothing when attached without hold (nothing could make the server speak)', async () => {
    const { storage, frames } = memoryStorage()
    const { outbox } = setup({ storage })
    await flush()
    outbox.push({ frame: 'a', persist: true })
    await flush()
    outbox.attach(fakeWriter().writer)
    expect(outbox.held).toBe(0)
    await flush()
    expect(frames).toEqual([])
    outbox.detach(true)
    expect(outbox.size).toBe(0)
  })

  it('applies ttl to frames put back, from when they were first queued', () => {
    const { outbox, drops } = setup({ ttl: 1000 })
    outbox.push({ frame: 'old' })
    vi.advanceTimersByTime(600)
    outbox.attach(fakeWriter().writer, { hold: true })
    outbox.detach(true)
    vi.advanceTimersByTime(400)
    expect(drops).toEqual([{ frames: ['old'], reason: 'expired' }])
    expect(outbox.size).toBe(0)
  })
})
