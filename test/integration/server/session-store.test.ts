// The in-memory session store and a session's bookkeeping, without sockets.
import { describe, expect, it, vi } from 'vitest'
import { createSessionStore } from '../../../src/server'
import { systemClock } from '../../../src/server/clock'
import { createSession } from '../../../src/server/sessions/session-book'
import { patient } from '../../helpers/wait'

describe('createSessionStore', () => {
  it('gives a saved session to one taker only, as saved', async () => {
    const store = createSessionStore()
    const state = { id: 's1', received: 4, sent: 3, frames: ['a', 'b'], expires: Date.now() + 60_000 }
    await store.save(state)
    state.frames.push('changed after saving')
    expect(await store.take('s1')).toEqual({ id: 's1', received: 4, sent: 3, frames: ['a', 'b'], expires: state.expires })
    expect(await store.take('s1')).toBeUndefined()
    expect(await store.take('unknown')).toBeUndefined()
  })

  it('appends a broadcast to every session it keeps, after its frames, and forgets one it would overflow', async () => {
    const store = createSessionStore()
    const expires = Date.now() + 60_000
    await store.save({ id: 'small', received: 1, sent: 5, frames: ['f4', 'f5'], expires })
    await store.save({ id: 'full', received: 0, sent: 1, frames: ['x'.repeat(90)], expires })
    await store.broadcast!('b6', 100)
    await store.broadcast!('b'.repeat(20), 100)
    expect(await store.take('small')).toEqual({ id: 'small', received: 1, sent: 7, frames: ['f4', 'f5', 'b6', 'b'.repeat(20)], expires })
    // 90 + 2 bytes fit in 100; 20 more do not: its client starts a new session rather than miss one.
    expect(await store.take('full')).toBeUndefined()
    await store.broadcast!('after', 100)
    expect(await store.take('small')).toBeUndefined()
  })

  it('forgets a session at its expiry', async () => {
    let now = 1000
    const store = createSessionStore({ now: () => now })
    await store.save({ id: 'old', received: 0, sent: 0, frames: [], expires: 2000 })
    now = 2000
    expect(await store.take('old')).toBeUndefined()
  })
})

describe('a session', () => {
  const make = (maxBytes = 1000) => {
    const acks: number[] = []
    const parts = { maxBytes, ackDelay: 60_000, clock: systemClock, writeAck: (_owner: null, received: number) => acks.push(received) > 0, lost: () => {} }
    const session = createSession('id', parts, null)
    return { session, acks }
  }

  it('numbers outbound frames, lets go of acknowledged ones, and replays the rest', () => {
    const { session } = make()
    for (const frame of ['f1', 'f2', 'f3', 'f4']) void session.keepOutbound(frame)
    expect(session.ackedByClient(2)).toBe(true)
    expect(session.replayAfter(2)).toEqual(['f3', 'f4'])
    expect(session.replayAfter(3)).toEqual(['f4'])
    // Frames 1 and 2 are gone, and 5 was never sent.
    expect(session.replayAfter(1)).toBeUndefined()
    expect(session.replayAfter(5)).toBeUndefined()
    expect(session.ackedByClient(1)).toBe(false)
    expect(session.ackedByClient(9)).toBe(false)
    expect(session.state(123)).toEqual({ id: 'id', received: 0, sent: 4, frames: ['f3', 'f4'], expires: 123, marks: {}, running: [] })
  })

  it('reports going over maxBytes, and counts bytes as UTF-8', () => {
    const { session } = make(10)
    expect(session.keepOutbound('12345')).toBe(true)
    // Two characters, four bytes.
    expect(session.keepOutbound('éé')).toBe(true)
    expect(session.bytes).toBe(9)
    expect(session.keepOutbound('xx')).toBe(false)
  })

  /** Arrive and start one frame; `answers`: it runs until finishInbound (a notification) or its answer. */
  const run = (session: ReturnType<typeof createSession>, answers = false) => {
    const arrival = session.arriveInbound()
    let counted: boolean | undefined
    session.startInbound(arrival.position, arrival.epoch, answers, (ok) => {
      counted = ok
    })
    return { position: arrival.position, counted: () => counted }
  }

  it('acknowledges every 128 finished inbound frames at once, and restarts numbering for a new page', () => {
    const { session, acks } = make()
    for (let n = 0; n < 300; n++) run(session)
    expect(acks).toEqual([128, 256])
    session.stopAckTimer()
    void session.keepOutbound('old page')
    session.newPage()
    expect([session.sent, session.buffered, session.bytes, session.received]).toEqual([0, 0, 0, 300])
  })

  it('counts a frame when it starts, acknowledges it when it finished, and keeps the ones running in its state', () => {
    const { session, acks } = make()
    const waiting = session.arriveInbound()
    expect(session.received).toBe(0)
    const call = run(session, true)
    // Without a journal it may run at once, but the count is a prefix: it waits for the frame before it.
    expect([call.counted(), session.received]).toEqual([true, 0])
    // The first frame never started (its connection went): it never will, and nothing after it counted.
    session.rewindInbound()
    let late: boolean | undefined
    session.startInbound(waiting.position, waiting.epoch, true, (ok) => {
      late = ok
    })
    expect(late).toBe(false)
    const again = run(session, true)
    const note = run(session, true)
    expect([again.counted(), note.counted(), session.received]).toEqual([true, true, 2])
    void session.finishInbound(note.position)
    session.ackToClientNow()
    expect(acks).toEqual([])
    expect(session.state(1).running).toEqual([1])
    expect(session.keepOutbound('answer', again.position)).toBe(true)
    session.ackToClientNow()
    expect(acks).toEqual([2])
    expect(session.state(1).running).toEqual([])
  })

  it('reports the frames a crash left running (doubts) until the client shows it heard, and acknowledges past them', () => {
    const acks: number[] = []
    const parts = { maxBytes: 100, ackDelay: 60_000, clock: systemClock, writeAck: (_owner: null, received: number) => acks.push(received) > 0, lost: () => {} }
    const session = createSession('id', parts, null, undefined, {
      id: 'id', received: 5, sent: 0, frames: [], expires: 1, running: [4, 5],
    })
    expect([session.received, session.doubts]).toEqual([5, [4, 5]])
    session.ackedToClient()
    session.ackToClientNow()
    expect(acks).toEqual([5])
    expect(session.state(1).running).toEqual([4, 5])
    session.doubtsHeard()
    expect([session.doubts, session.state(1).running]).toEqual([[], []])
  })

  it('with a journal, counts, finishes and keeps a frame only once the journal did, and lets go of the session when it fails', async () => {
    const calls: string[] = []
    let failing = false
    const step = (name: string) => async () => {
      calls.push(name)
      if (failing) throw new Error(`LIFELINE_TAKEN ${name}`)
    }
    const journal = {
      start: async (position: number, running: boolean) => step(`start ${position}${running ? ' running' : ''}`)(),
      finish: async (position: number) => step(`finish ${position}`)(),
      push: async (frame: string, finishes?: number) => step(`push ${frame}${finishes === undefined ? '' : ` finishes ${finishes}`}`)(),
      acknowledge: async (count: number) => step(`ack ${count}`)(),
      restart: step('restart'),
      end: async (forget: boolean) => step(`end ${forget}`)(),
      owned: async () => !failing,
    }
    const lost: unknown[] = []
    const acks: number[] = []
    const parts = {
      maxBytes: 5,
      ackDelay: 60_000,
      clock: systemClock,
      writeAck: (_owner: null, received: number) => acks.push(received) > 0,
      lost: (_owner: null, err: unknown) => lost.push(err),
    }
    const session = createSession('id', parts, null, journal)
    const counting = run(session, true)
    // Counted in memory at once (it must never run twice), but run only once the journal counted it.
    expect([session.received, counting.counted()]).toEqual([1, undefined])
    await vi.waitFor(() => expect(counting.counted()).toBe(true), patient)
    const pushing = session.keepOutbound('abc', counting.position)
    expect(session.sent).toBe(0)
    expect(await pushing).toBe(true)
    // The answer finished the frame in the same step: now it is acknowledged.
    session.ackToClientNow()
    expect(acks).toEqual([1])
    expect(await session.keepOutbound('def')).toBe(false)
    expect([session.sent, session.bytes]).toEqual([2, 6])
    // Acknowledging nothing new writes nothing; letting frames go trims the journal too.
    expect(session.ackedByClient(0)).toBe(true)
    expect(session.ackedByClient(1)).toBe(true)
    session.newPage()
    expect(await session.owned()).toBe(true)
    session.stopJournal(false)
    await vi.waitFor(() => expect(calls).toEqual(['start 1 running', 'push abc finishes 1', 'push def', 'ack 1', 'restart', 'end false']), patient)

    failing = true
    const refused = run(session, true)
    await vi.waitFor(() => expect(refused.counted()).toBe(false), patient)
    expect(await session.keepOutbound('x')).toBeUndefined()
    expect(session.sent).toBe(0)
    expect(lost.map(String)).toEqual(['Error: LIFELINE_TAKEN start 2 running', 'Error: LIFELINE_TAKEN push x'])
    // Ending does not report: the store forgets the session by its ttl if it cannot now.
    session.stopJournal(true)
    await vi.waitFor(() => expect(calls.at(-1)).toBe('end true'), patient)
    expect(lost).toHaveLength(2)
    expect(await session.owned()).toBe(false)
    expect(createSession('plain', { ...parts, ackDelay: 1 }, null).owned()).toBeUndefined()
  })
})
