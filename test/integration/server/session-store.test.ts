// The in-memory session store and a session's bookkeeping, without sockets.
import { describe, expect, it } from 'vitest'
import { createSessionStore } from '../../../src/server'
import { createSession } from '../../../src/server/session'

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
    const session = createSession('id', { maxBytes, ackDelay: 60_000, sendAck: (received) => acks.push(received) > 0 })
    return { session, acks }
  }

  it('numbers outbound frames, lets go of acknowledged ones, and replays the rest', () => {
    const { session } = make()
    for (const frame of ['f1', 'f2', 'f3', 'f4']) session.push(frame)
    expect(session.acknowledge(2)).toBe(true)
    expect(session.after(2)).toEqual(['f3', 'f4'])
    expect(session.after(3)).toEqual(['f4'])
    // Frames 1 and 2 are gone, and 5 was never sent.
    expect(session.after(1)).toBeUndefined()
    expect(session.after(5)).toBeUndefined()
    expect(session.acknowledge(1)).toBe(false)
    expect(session.acknowledge(9)).toBe(false)
    expect(session.state(123)).toEqual({ id: 'id', received: 0, sent: 4, frames: ['f3', 'f4'], expires: 123 })
  })

  it('reports going over maxBytes, and counts bytes as UTF-8', () => {
    const { session } = make(10)
    expect(session.push('12345')).toBe(true)
    // Two characters, four bytes.
    expect(session.push('éé')).toBe(true)
    expect(session.bytes).toBe(9)
    expect(session.push('xx')).toBe(false)
  })

  it('acknowledges every 128 inbound frames at once, and restarts numbering for a new page', () => {
    const { session, acks } = make()
    for (let n = 0; n < 300; n++) session.receive()
    expect(acks).toEqual([128, 256])
    session.pause()
    session.push('old page')
    session.restart()
    expect([session.sent, session.buffered, session.bytes, session.received]).toEqual([0, 0, 0, 300])
  })
})
