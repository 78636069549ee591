// Sessions, without sockets: the real server core on an in-memory transport and a manual clock
// (test/helpers/memory-transport.ts). The handshake opens or resumes; tracked frames are counted and
// acknowledged both ways; a session waits for its client, is replayed exactly from where the client
// was, and ends (ttl, ctx.close, overflow, a new page, close()) with the code the docs give.
import { describe, expect, it, vi } from 'vitest'
import { createSessionStore, isConnectionClosedError, type SessionJournal, type SessionState, type SessionStore } from '../../../src/server'
import { SessionTakenError } from '../../../src/server/sessions/store'
import { flush } from '../../helpers/flush'
import { manualClock } from '../../helpers/manual-clock'
import { memoryServer, type MemoryPeer } from '../../helpers/memory-transport'
import { patient } from '../../helpers/wait'

const request = (id: number | string, method: string, params?: unknown) => ({ jsonrpc: '2.0', id, method, params })
const notification = (method: string, params?: unknown) => ({ jsonrpc: '2.0', method, params })

/** The handshake, answered: the session's id, whether it resumed, and what the server received. */
async function hello(peer: MemoryPeer, id: string | null = null, received: number | null = null) {
  peer.send(request('hello', 'rpc.session', { id, received }))
  await flush()
  const [answer, ...rest] = peer.take()
  expect(answer!.id).toBe('hello')
  return { ...(answer!.result as { id: string; resumed: boolean; received: number }), after: rest }
}

/** Events (tracked notifications) in frames, by their params. */
const events = (frames: { method?: string; params?: unknown }[]) => frames.filter((frame) => frame.method === 'event').map((frame) => frame.params)

describe('a session', () => {
  it('opens on the first frame and acks tracked frames after ackDelay on the server clock, at once every 128', async () => {
    const { connect, clock } = memoryServer({ sessions: { ackDelay: 200 }, methods: { note: () => {} } })
    const peer = connect()
    const opened = await hello(peer)
    expect(opened).toMatchObject({ resumed: false, received: 0, after: [] })
    for (let n = 0; n < 3; n++) peer.send(notification('note'))
    clock.advance(199)
    expect(peer.take()).toEqual([])
    clock.advance(1)
    expect(peer.take()).toEqual([notification('rpc.ack', { received: 3 })])
    for (let n = 0; n < 128; n++) peer.send(notification('note'))
    expect(peer.take()).toEqual([notification('rpc.ack', { received: 131 })])
    // Control frames are not counted: a ping owes no ack.
    peer.send(request(1, 'rpc.ping'))
    clock.advance(200)
    expect(peer.take()).toEqual([{ jsonrpc: '2.0', id: 1, result: 'pong' }])
  })

  it('resumes on a new connection: replays what the client lacks, cuts the half-open old one, then onResume', async () => {
    const hooks: string[] = []
    const { connect, core } = memoryServer({
      methods: { greet: () => 'hi' },
      onResume: (ctx) => void hooks.push(`resume ${ctx.id}`),
      onDisconnect: (ctx, code, reason) => void hooks.push(`disconnect ${ctx.id} ${code} ${reason}`),
    })
    const first = connect()
    const { id } = await hello(first)
    first.send(request(1, 'greet'))
    core.clients.get(id)!.notify('event', { n: 1 })
    expect(first.take()).toEqual([{ jsonrpc: '2.0', id: 1, result: 'hi' }, notification('event', { n: 1 })])

    // The client saw the answer (1) but not the event (2); the server never noticed the first socket die.
    const second = connect()
    const ownId = [...core.clients.keys()].find((key) => key !== id)
    const resumed = await hello(second, id, 1)
    expect(resumed).toMatchObject({ id, resumed: true, received: 1 })
    expect(events(resumed.after)).toEqual([{ n: 1 }])
    expect(first.ended).toBe('terminated')
    expect(hooks).toEqual([`disconnect ${ownId} 1000 Session resumed`, `resume ${id}`])
    expect([...core.clients.keys()]).toEqual([id])
  })

  it('starts over when the client claims frames the session never sent: the old one ends with 1013', async () => {
    const ended: string[] = []
    const { connect, core } = memoryServer({ onDisconnect: (ctx, code, reason) => void ended.push(`${ctx.id} ${code} ${reason}`) })
    const first = connect()
    const { id } = await hello(first)
    first.leave()
    await flush()
    const again = await hello(connect(), id, 9)
    expect(again.resumed).toBe(false)
    expect(again.id).not.toBe(id)
    expect(ended).toContain(`${id} 1013 Session lost`)
    expect([...core.clients.keys()]).toEqual([again.id])
  })

  it('waits sessions.ttl for its client on the server clock, keeps what is sent meanwhile, then ends', async () => {
    const ended: string[] = []
    const { connect, core, clock } = memoryServer({ sessions: { ttl: 5000 }, onDisconnect: (ctx, code) => void ended.push(`${ctx.id} ${code}`) })
    const peer = connect()
    const { id } = await hello(peer)
    peer.leave(1001)
    await flush()
    clock.advance(4999)
    core.clients.get(id)!.notify('event', ['while away'])
    expect(ended).toEqual([])
    // A client coming back just in time gets what was sent while it was away.
    const back = connect()
    const resumed = await hello(back, id, 0)
    expect(events(resumed.after)).toEqual([['while away']])
    back.leave(1006)
    await flush()
    clock.advance(4999)
    expect(core.clients.has(id)).toBe(true)
    clock.advance(1)
    expect(core.clients.has(id)).toBe(false)
    // The second connection's own context gave way to the session (1000); the session ended with its last close code.
    expect(ended.filter((entry) => entry.startsWith(id))).toEqual([`${id} 1006`])
  })

  it('a new page (received: null) forgets what was buffered for the old page and fails its calls', async () => {
    const { connect, core } = memoryServer()
    const first = connect()
    const { id } = await hello(first)
    const ctx = core.clients.get(id)!
    ctx.notify('event', ['for the old page'])
    const call = ctx.call('confirm').catch((err: unknown) => err)
    first.leave()
    await flush()
    const reloaded = await hello(connect(), id, null)
    expect(reloaded).toMatchObject({ id, resumed: true, received: 0, after: [] })
    expect(isConnectionClosedError(await call)).toBe(true)
  })

  it('ends when its unacknowledged frames go over sessions.maxBytes: 1013, Session buffer full', async () => {
    const { connect, core } = memoryServer({ sessions: { maxBytes: 200 } })
    const peer = connect()
    const { id } = await hello(peer)
    const ctx = core.clients.get(id)!
    ctx.notify('event', ['x'.repeat(100)])
    expect(peer.ended).toBeUndefined()
    ctx.notify('event', ['x'.repeat(100)])
    expect(peer.ended).toEqual({ code: 1013, reason: 'Session buffer full' })
    expect(core.clients.has(id)).toBe(false)
  })

  it('lets go of what the client acknowledged: a resume after the ack replays nothing', async () => {
    const { connect, core } = memoryServer()
    const peer = connect()
    const { id } = await hello(peer)
    core.clients.get(id)!.notify('event', [1])
    peer.send(notification('rpc.ack', { received: 1 }))
    peer.leave()
    await flush()
    // The client may not claim fewer than it acknowledged: the frame is gone.
    expect((await hello(connect(), id, 1)).after).toEqual([])
  })

  it('ctx.close ends the session: its connection closes with the code, and the id is not resumed', async () => {
    const { connect, core } = memoryServer()
    const peer = connect()
    const { id } = await hello(peer)
    core.clients.get(id)!.close(4000, 'Kicked')
    expect(peer.ended).toEqual({ code: 4000, reason: 'Kicked' })
    await flush()
    expect((await hello(connect(), id, 0)).resumed).toBe(false)
  })

  it('holds what is broadcast before a connection first speaks: a resume gets it once, after the replay', async () => {
    const { connect, core } = memoryServer()
    const first = connect()
    const { id } = await hello(first)
    core.clients.get(id)!.notify('event', ['missed'])
    first.leave()
    await flush()
    const second = connect()
    core.broadcast('event', ['broadcast'])
    expect(second.take()).toEqual([])
    const resumed = await hello(second, id, 0)
    expect(events(resumed.after)).toEqual([['missed'], ['broadcast']])
    expect(second.take()).toEqual([])
  })
})

describe('sessions on close() and in the store', () => {
  it('hands each session to the store: an ack of everything received, then 1012; a server sharing the store resumes it', async () => {
    // One clock for both servers and the store, as one machine's.
    const clock = manualClock(1_000_000)
    const store = createSessionStore({ now: clock.clock.now })
    const one = memoryServer({ sessions: { store }, methods: { note: () => {} } }, clock)
    const peer = one.connect()
    const { id } = await hello(peer)
    peer.send(notification('note'))
    one.core.clients.get(id)!.notify('event', ['kept'])
    peer.take()
    await one.core.close()
    expect(peer.take()).toEqual([notification('rpc.ack', { received: 1 })])
    expect(peer.ended).toEqual({ code: 1012, reason: 'Service restart' })

    const two = memoryServer({ sessions: { store } }, clock)
    const resumed = await hello(two.connect(), id, 0)
    expect(resumed).toMatchObject({ id, resumed: true, received: 1 })
    expect(events(resumed.after)).toEqual([['kept']])
  })

  it('lets a session go quietly when its journal says another process took it, and reports any other failure', async () => {
    let failure: Error = new SessionTakenError('s')
    const journal: SessionJournal = {
      start: () => Promise.reject(failure),
      finish: () => Promise.resolve(),
      push: () => Promise.resolve(),
      acknowledge: () => Promise.resolve(),
      restart: () => Promise.resolve(),
      end: () => Promise.resolve(),
      owned: () => Promise.resolve(true),
    }
    const store: SessionStore = { save: () => {}, take: (): SessionState | undefined => undefined, journal: () => journal }
    const { connect, errors } = memoryServer({ sessions: { store }, methods: { note: () => {} } })
    const moved = connect()
    await hello(moved)
    moved.send(notification('note'))
    await flush()
    expect(moved.ended).toEqual({ code: 1012, reason: 'Service restart' })
    expect(errors).toEqual([])

    failure = new Error('Redis is unavailable')
    const failing = connect()
    await hello(failing)
    failing.send(notification('note'))
    await flush()
    expect(failing.ended).toEqual({ code: 1012, reason: 'Service restart' })
    expect(errors).toEqual([failure])
  })
})

/** A promise the test resolves: a method that runs until the test says so. */
function gate() {
  let open: () => void = () => {}
  const promise = new Promise<void>((resolve) => {
    open = resolve
  })
  return { promise, open }
}

describe('a session: what counts, and what a crash or a hand-over leaves in doubt (issue 26)', () => {
  it('counts a frame when it starts, not when it waits for a slot: a resume after a drop gets the waiting ones again, and each runs once', async () => {
    const slow = gate()
    const ran: number[] = []
    const { connect } = memoryServer({ maxInFlight: 1, methods: { work: async (params) => {
      ran.push((params as { n: number }).n)
      if ((params as { n: number }).n === 1) await slow.promise
      return (params as { n: number }).n
    } } })
    const first = connect()
    const { id } = await hello(first)
    for (const n of [1, 2, 3]) first.send(request(n, 'work', { n }))
    await flush()
    expect(ran).toEqual([1])
    first.leave(1006)
    await flush()
    // Only the running call counts: the client writes 2 and 3 again, and they run here once.
    const second = connect()
    const resumed = await hello(second, id, 0)
    expect(resumed).toMatchObject({ resumed: true, received: 1 })
    expect(resumed).not.toHaveProperty('unknown')
    for (const n of [2, 3]) second.send(request(n, 'work', { n }))
    slow.open()
    await flush()
    expect(ran).toEqual([1, 2, 3])
    expect(second.take().filter((frame) => 'result' in frame).map((frame) => frame.result)).toEqual([1, 2, 3])
  })

  it('hands over at the shutdownTimeout deadline: what still runs is reported in doubt at the resume, what waited never runs there', async () => {
    const clock = manualClock(1_000_000)
    const store = createSessionStore({ now: clock.clock.now })
    const stuck = gate()
    const ran: string[] = []
    const old = memoryServer({ maxInFlight: 1, shutdownTimeout: 100, sessions: { store }, methods: { work: async (params) => {
      ran.push(`old ${(params as { n: number }).n}`)
      await stuck.promise
    } } }, clock)
    const peer = old.connect()
    const { id } = await hello(peer)
    for (const n of [1, 2]) peer.send(request(n, 'work', { n }))
    await flush()
    const closing = old.core.close()
    await flush()
    clock.advance(100)
    await vi.waitFor(() => expect(peer.ended).toEqual({ code: 1012, reason: 'Service restart' }), patient)
    // Nothing more reached the client after the hand-over: its count and the stored session agree.
    const after = memoryServer({ sessions: { store }, methods: { work: (params) => {
      ran.push(`new ${(params as { n: number }).n}`)
      return (params as { n: number }).n
    } } }, clock)
    const next = after.connect()
    const resumed = await hello(next, id, 0)
    expect(resumed).toMatchObject({ resumed: true, received: 1, unknown: [1] })
    next.send(request(2, 'work', { n: 2 }))
    await flush()
    stuck.open()
    await closing
    expect(ran).toEqual(['old 1', 'new 2'])
  })

  it('reports the doubts a crash left until the client writes on the resumed session, even when an answer is lost with its socket', async () => {
    const clock = manualClock(1_000_000)
    const store = createSessionStore({ now: clock.clock.now })
    const state: SessionState = { id: 's', received: 3, sent: 0, frames: [], expires: 2_000_000, running: [3] }
    const { connect } = memoryServer({ sessions: { store }, methods: { note: () => {} } }, clock)
    await store.save(state)
    const lostAnswer = connect()
    expect(await hello(lostAnswer, 's', 0)).toMatchObject({ resumed: true, received: 3, unknown: [3] })
    lostAnswer.leave(1006)
    await flush()
    const next = connect()
    expect(await hello(next, 's', 0)).toMatchObject({ resumed: true, received: 3, unknown: [3] })
    next.send(notification('note'))
    await flush()
    next.leave(1006)
    await flush()
    const last = connect()
    expect(await hello(last, 's', 0)).not.toHaveProperty('unknown')
  })

  it('runs a keyed message that never started (its socket went while it waited) when it is written again', async () => {
    const slow = gate()
    const ran: number[] = []
    const { connect } = memoryServer({ maxInFlight: 1, methods: { work: async (params) => {
      ran.push((params as { n: number }).n)
      if ((params as { n: number }).n === 1) await slow.promise
    } } })
    const first = connect()
    const { id } = await hello(first)
    first.send({ ...request(1, 'work', { n: 1 }), once: ['tab', 1] })
    first.send({ ...request(2, 'work', { n: 2 }), once: ['tab', 2] })
    await flush()
    first.leave(1006)
    await flush()
    const second = connect()
    await hello(second, id, 0)
    second.send({ ...request(2, 'work', { n: 2 }), once: ['tab', 2] })
    slow.open()
    await flush()
    expect(ran).toEqual([1, 2])
  })
})
