// The outbox keeps a written frame until the layer above confirms it, and a session's positions
// (client/positions.ts) number what it writes: cumulative acknowledgements, a drop that puts held
// frames back, a gated attach released by resume(), and stored copies that keep their position and
// session across a reload.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { fakeWriter, memoryStorage, setup } from './fakes'
import { createOutbox, type Outbox, type OutboxItem, type Writer } from '../../../src/socket/outbox'
import { createPositions } from '../../../src/client/positions'
import { queueOptions } from './fakes'
import { systemClock } from '../../../src/timers'
import { flush } from '../../helpers/flush'

/** A writer whose writes the session numbers, as the socket's `written` hook does. */
function numbered(outbox: Outbox, writer = fakeWriter()) {
  const positions = createPositions(outbox)
  const socket: Writer = {
    ready: writer.writer.ready,
    write(item: OutboxItem) {
      writer.writer.write(item)
      positions.written(item)
    },
  }
  return { positions, socket, frames: writer.frames, last: () => writer.written.at(-1)?.position }
}

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 })
})
afterEach(() => {
  vi.useRealTimers()
})

describe('outbox: holding until acknowledged', () => {
  it('numbers frames from 1 as they are written on a session and lets go cumulatively', () => {
    const { outbox } = setup()
    outbox.push({ frame: 'a' })
    const { positions, socket, last } = numbered(outbox)
    positions.session = 's'
    outbox.attach(socket, { hold: true, gate: true })
    positions.resume(0)
    outbox.push({ frame: 'b' })
    outbox.push({ frame: 'c' })
    expect([last(), outbox.held, outbox.size]).toEqual([3, 3, 0])
    positions.ackedByServer(2)
    expect(outbox.held).toBe(1)
    // An older acknowledgement changes nothing.
    positions.ackedByServer(1)
    expect(outbox.held).toBe(1)
    positions.ackedByServer(3)
    expect(outbox.held).toBe(0)
    // Holding goes on: only ackedByPeer() without a cover (the plain rule) ends it.
    outbox.push({ frame: 'd' })
    expect(outbox.held).toBe(1)
    outbox.ackedByPeer()
    outbox.push({ frame: 'e' })
    expect(outbox.held).toBe(0)
  })

  it('lets go of an answered call wherever it is: held, or put back after a drop', () => {
    const { outbox } = setup()
    const { positions, socket } = numbered(outbox)
    positions.session = 's'
    outbox.attach(socket, { hold: true, gate: true })
    positions.resume(0)
    outbox.push({ frame: 'a' })
    outbox.push({ frame: 'call 1', call: 1 })
    outbox.push({ frame: 'b' })
    outbox.push({ frame: 'call 2', call: 2 })
    // Answered while held: the others keep their positions.
    outbox.answered(1)
    expect(outbox.held).toBe(3)
    positions.ackedByServer(2)
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
    outbox.ackedByPeer((item) => item.frame === 'a')
    outbox.detach(false)
    expect(outbox.size).toBe(0)

    outbox.attach(fakeWriter().writer, { hold: true })
    outbox.push({ frame: 'b' })
    outbox.push({ frame: 'call 2', call: 2 })
    outbox.detach(true)
    outbox.push({ frame: 'c' })
    expect([outbox.size, outbox.has(2), outbox.get(2)?.frame]).toEqual([3, true, 'call 2'])
    expect(outbox.items().map((item) => item.frame)).toEqual(['b', 'call 2', 'c'])
    const next = fakeWriter()
    outbox.attach(next.writer, { hold: true })
    expect(next.frames()).toEqual(['b', 'call 2', 'c'])
    expect(outbox.held).toBe(3)
  })
})

describe('outbox: a gated attach', () => {
  it('writes nothing until resume(), then holds what the peer counted (until it finishes them) and numbers the rest after it', () => {
    const { outbox } = setup()
    const { positions, socket: first, frames: firstFrames } = numbered(outbox)
    positions.session = 's1'
    outbox.attach(first, { hold: true, gate: true })
    positions.resume(0)
    for (const frame of ['a', 'b', 'c', 'd']) outbox.push({ frame })
    expect(firstFrames()).toEqual(['a', 'b', 'c', 'd'])
    positions.ackedByServer(1)
    outbox.detach(true)
    positions.stop()
    // Put back, c was written before on this session; a never written call is not.
    expect(outbox.items().map((item) => [item.frame, item.position])).toEqual([['b', 2], ['c', 3], ['d', 4]])

    const second = fakeWriter()
    const secondSocket: Writer = {
      ready: second.writer.ready,
      write(item) {
        second.writer.write(item)
        positions.written(item)
      },
    }
    outbox.attach(secondSocket, { hold: true, gate: true })
    outbox.push({ frame: 'e' })
    expect(second.frames()).toEqual([])
    // The peer counted a, b and c before the drop (its count is 3): only d and e go, as 4 and 5. b and c
    // are held, not written again, until the peer says they finished.
    positions.resume(3)
    expect(second.frames()).toEqual(['d', 'e'])
    expect(second.written.map((item) => item.position)).toEqual([4, 5])
    expect([outbox.held, outbox.size]).toEqual([4, 0])
    positions.ackedByServer(3)
    expect([outbox.held, outbox.size]).toEqual([2, 0])
  })

  it('numbers frames of another session anew: their old positions mean nothing to the new one', () => {
    const { outbox } = setup()
    const { positions, socket } = numbered(outbox)
    positions.session = 'old'
    outbox.attach(socket, { hold: true, gate: true })
    positions.resume(0)
    outbox.push({ frame: 'a' })
    outbox.push({ frame: 'call', call: 9 })
    outbox.detach(true)
    positions.stop()
    // Put back, in doubt: written on the current session, so not orphans.
    expect(positions.orphans()).toEqual([])
    positions.session = 'new'
    // The session changed: both are orphans of the lost one (the session layer settles them).
    expect(positions.orphans().map((item) => item.frame)).toEqual(['a', 'call'])
    const next = fakeWriter()
    const nextSocket: Writer = {
      ready: next.writer.ready,
      write(item) {
        next.writer.write(item)
        positions.written(item)
      },
    }
    outbox.attach(nextSocket, { hold: true, gate: true })
    // Positions of another session mean nothing here, even below `received`.
    positions.resume(5)
    expect(next.frames()).toEqual(['a', 'call'])
    expect(next.written.map((item) => [item.position, item.session])).toEqual([[6, 'new'], [7, 'new']])
  })

  it('ungate() without a gate changes nothing', () => {
    const { outbox } = setup()
    const socket = fakeWriter()
    outbox.attach(socket.writer, { hold: true })
    outbox.push({ frame: 'a' })
    outbox.ungate()
    expect([socket.frames(), outbox.held]).toEqual([['a'], 1])
  })
})

describe('outbox: stored frames keep their position and session', () => {
  it('updates a stored copy once written on a session, and a reload drops what the server had, once it finished them', async () => {
    const { storage, frames } = memoryStorage()
    const { outbox } = setup({ storage })
    await flush()
    const { positions, socket } = numbered(outbox)
    positions.session = 'abc'
    outbox.attach(socket, { hold: true, gate: true })
    positions.resume(0)
    for (const frame of ['a', 'b', 'c']) outbox.push({ frame, persist: true })
    await flush()
    expect(frames.map(({ frame, position, session }) => [frame, position, session])).toEqual([
      ['a', 1, 'abc'], ['b', 2, 'abc'], ['c', 3, 'abc'],
    ])

    // The page reloads: a new outbox over the same storage.
    const reloaded = createOutbox(queueOptions({ storage }), systemClock, { drop: () => {}, error: () => {} })
    await reloaded.loaded
    const after = numbered(reloaded)
    expect([after.positions.stored(), reloaded.size]).toEqual(['abc', 3])
    after.positions.session = 'abc'
    reloaded.attach(after.socket, { hold: true, gate: true })
    // The server had counted two of them: not written again, kept until it says they finished.
    after.positions.resume(2)
    expect(after.frames()).toEqual(['c'])
    await flush()
    expect(frames.map(({ frame, position }) => [frame, position])).toEqual([['a', 1], ['b', 2], ['c', 3]])
    after.positions.ackedByServer(2)
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
    const { positions, socket } = numbered(page)
    expect(positions.stored()).toBeUndefined()
    positions.session = 's1'
    page.attach(socket, { hold: true, gate: true })
    positions.resume(0)
    await flush()
    expect(frames.map(({ frame, position, session }) => [frame, position, session])).toEqual([['a', 1, 's1'], ['b', 2, 's1']])
  })

  it("close 'flush' keeps the stored copies of frames held on a session, and only those", async () => {
    const { storage, frames } = memoryStorage()
    const { outbox } = setup({ storage })
    await flush()
    outbox.push({ frame: 'plain', persist: true })
    await flush()
    outbox.attach(fakeWriter().writer, { hold: true })
    outbox.detach(true)
    const { positions, socket } = numbered(outbox)
    positions.session = 's'
    outbox.attach(socket, { hold: true, gate: true })
    outbox.push({ frame: 'numbered', persist: true })
    positions.resume(0)
    await flush()
    expect(outbox.held).toBe(2)
    outbox.close()
    await flush()
    expect(frames.map(({ frame, position }) => [frame, position])).toEqual([['plain', 1], ['numbered', 2]])
  })

  it('counts held frames against maxBytes too', () => {
    const { outbox, drops } = setup({ maxBytes: 4 })
    outbox.attach(fakeWriter().writer, { hold: true })
    outbox.push({ frame: 'abc' })
    expect(outbox.push({ frame: 'de' })).toBe('dropped')
    expect(drops).toEqual([{ frames: ['de'], reason: 'overflow' }])
  })
})

describe('outbox: frames in doubt (written on a session, put back by a drop, not yet judged by a resume)', () => {
  /** An outbox whose session wrote `frames` and then lost its socket: they are back in the queue, in doubt. */
  function inDoubt(frames: string[], queue: Parameters<typeof setup>[0] = {}) {
    const made = setup(queue)
    const { positions, socket } = numbered(made.outbox)
    positions.session = 's'
    made.outbox.attach(socket, { hold: true, gate: true })
    positions.resume(0)
    for (const frame of frames) made.outbox.push({ frame })
    made.outbox.detach(true)
    positions.stop()
    return { ...made, positions }
  }

  it('never expire by ttl: frames queued behind them still do, and the timer waits for those only', () => {
    const { outbox, drops } = inDoubt(['a', 'b'], { ttl: 1000 })
    outbox.push({ frame: 'c' })
    vi.advanceTimersByTime(1000)
    expect(drops).toEqual([{ frames: ['c'], reason: 'expired' }])
    // Nothing left that can expire: no timer spins on the frames in doubt.
    expect(vi.getTimerCount()).toBe(0)
    vi.advanceTimersByTime(60_000)
    expect(drops).toHaveLength(1)
    expect(outbox.items().map((item) => item.frame)).toEqual(['a', 'b'])
  })

  it('are never dropped for the bounds: a newer frame goes instead', () => {
    const { outbox, drops } = inDoubt(['a', 'b'], { maxMessages: 2 })
    expect(outbox.push({ frame: 'c' })).toBe('queued')
    expect(drops).toEqual([{ frames: ['c'], reason: 'overflow' }])
    expect(outbox.items().map((item) => item.frame)).toEqual(['a', 'b'])
  })

  it('expire normally once a resume says the server lacked them', () => {
    const { outbox, drops, positions } = inDoubt(['a', 'b'], { ttl: 1000 })
    vi.advanceTimersByTime(2000)
    expect(drops).toEqual([])
    positions.resume(1)
    expect(drops).toEqual([{ frames: ['b'], reason: 'expired' }])
    expect(outbox.size).toBe(0)
  })

  it("a final close reports them as 'unknown', after the frames that certainly never left ('closed')", () => {
    const { outbox, drops } = inDoubt(['a'])
    outbox.push({ frame: 'b' })
    outbox.close()
    expect(drops).toEqual([{ frames: ['b'], reason: 'closed' }, { frames: ['a'], reason: 'unknown' }])
  })

  it("discard with a reason reports what it takes out; without one it is silent", () => {
    const { outbox, drops } = inDoubt(['a', 'b', 'c'])
    outbox.discard((item) => item.frame === 'a')
    outbox.discard((item) => item.frame === 'c', 'unknown')
    expect(drops).toEqual([{ frames: ['c'], reason: 'unknown' }])
    expect(outbox.items().map((item) => item.frame)).toEqual(['b'])
  })

  it("close 'flush' keeps the stored copies of frames in doubt for the next page, which resumes and judges them", async () => {
    const { storage, frames } = memoryStorage()
    const { outbox, drops } = setup({ storage, onClose: 'flush' })
    await flush()
    const { positions, socket } = numbered(outbox)
    positions.session = 's'
    outbox.attach(socket, { hold: true, gate: true })
    positions.resume(0)
    outbox.push({ frame: 'a', persist: true })
    outbox.detach(true)
    outbox.close()
    await flush()
    expect(drops).toEqual([{ frames: ['a'], reason: 'unknown' }])
    expect(frames.map(({ frame, position, session }) => [frame, position, session])).toEqual([['a', 1, 's']])
  })
})
