// Sessions on the server (docs/protocol.md, "Sessions"), driven by a hand-written client of the
// convention: the handshake byte for byte, positions and acks both ways, replay from the right
// position, frames never run twice, bounds, expiry, half-open resume, graceful restart.
import { describe, expect, it, vi } from 'vitest'
import { createServer, createSessionStore, isConnectionClosedError, type Context } from '../../../src/server'
import { deferred, open, start, track, url } from './helpers'
import { sessionClient } from './session-client'
import { patient } from '../../helpers/wait'

const note = (method: string, params: unknown[]) => ({ jsonrpc: '2.0', method, params })
const request = (id: number, method: string, params: unknown[]) => ({ jsonrpc: '2.0', id, method, params })
const only = <T>(map: ReadonlyMap<string, T>) => [...map.values()][0]!

describe('a client that never opens a session', () => {
  it('is served as without sessions: no acks, nothing kept for it, a context per socket', async () => {
    const server = await start({ sessions: { ackDelay: 0 }, methods: { log: () => {} } })
    const p = await open(url(server))
    for (let n = 0; n < 200; n++) p.send(note('log', [n]))
    expect((await p.call('rpc.ping', undefined, 1)).result).toBe('pong')
    expect(p.pending).toEqual([])
    const ctx = only(server.clients)
    p.socket.terminate()
    await vi.waitFor(() => expect(server.stats.connections).toBe(0), patient)
    ctx.notify('lost', [])
    expect(isConnectionClosedError(await ctx.call('gone').catch((e: unknown) => e))).toBe(true)
    const again = await open(url(server))
    expect((await again.call('rpc.ping', undefined, 2)).result).toBe('pong')
    expect(again.pending).toEqual([])
    expect(only(server.clients).id).not.toBe(ctx.id)
  })
})

describe('the rpc.session handshake', () => {
  it('answers a new session exactly as the convention writes it', async () => {
    const server = await start()
    const p = await open(url(server))
    p.send('{"jsonrpc":"2.0","id":7,"method":"rpc.session","params":{"id":null,"received":0}}')
    const answer = await new Promise<string>((resolve) => p.socket.once('message', (data) => resolve(String(data))))
    const id = only(server.clients).id
    expect(id).toMatch(/^[0-9a-f-]{36}$/)
    expect(answer).toBe(`{"jsonrpc":"2.0","id":7,"result":{"id":"${id}","resumed":false,"received":0,"limits":{"maxInFlight":32,"maxQueued":1000,"rateLimit":{"rate":1000,"burst":10000}}}}`)
  })

  it('tells the server limits, and starts a new session for an unknown id', async () => {
    const server = await start({ maxInFlight: 4, maxQueued: 10, rateLimit: { rate: 50, burst: 200 } })
    const c = sessionClient(url(server))
    const answer = await c.open({ id: 'no-such-session' })
    expect(answer).toEqual({
      id: expect.not.stringMatching('no-such-session') as unknown,
      resumed: false,
      received: 0,
      limits: { maxInFlight: 4, maxQueued: 10, rateLimit: { rate: 50, burst: 200 } },
    })
  })

  it('leaves the rate limit out of the answer when it is off', async () => {
    const server = await start({ rateLimit: false })
    const answer = await sessionClient(url(server)).open({ id: null })
    expect(answer).toMatchObject({ limits: { maxInFlight: 32, maxQueued: 1000 } })
    expect((answer as { limits: object }).limits).not.toHaveProperty('rateLimit')
  })

  it('refuses bad params with -32602, and rpc.session after the first message with -32600', async () => {
    const server = await start()
    const bad = await open(url(server))
    expect((await bad.call('rpc.session', { id: 5, received: 0 }, 1)).error).toMatchObject({ code: -32602 })
    const late = await open(url(server))
    expect((await late.call('rpc.ping', undefined, 1)).result).toBe('pong')
    expect((await late.call('rpc.session', { id: null, received: 0 }, 2)).error).toMatchObject({ code: -32600 })
  })

  it('answers -32601 with sessions: false, like a plain JSON-RPC server', async () => {
    const server = await start({ sessions: false })
    const p = await open(url(server))
    expect((await p.call('rpc.session', { id: null, received: 0 }, 1)).error).toEqual({ code: -32601, message: 'Method not found: rpc.session' })
  })

  it('validates the sessions option', () => {
    expect(() => createServer({ noServer: true, sessions: { ttl: 0 } })).toThrow(/sessions.ttl/)
    expect(() => createServer({ noServer: true, sessions: { maxBytes: 1.5 } })).toThrow(/sessions.maxBytes/)
    expect(() => createServer({ noServer: true, sessions: { store: {} as never } })).toThrow(/sessions.store/)
    expect(() => createServer({ noServer: true, sessions: 'yes' as never })).toThrow(/sessions must be/)
  })
})

describe('server to client', () => {
  it('replays what the client did not receive, in order, right after the answer', async () => {
    const server = await start()
    const c = sessionClient(url(server))
    await c.open()
    const ctx = only(server.clients)
    for (let n = 1; n <= 5; n++) ctx.notify('tick', [n])
    await vi.waitFor(() => expect(c.received).toBe(5), patient)
    c.drop()
    await vi.waitFor(() => expect(server.stats.connections).toBe(0), patient)
    // Sent while the client is away: kept in the session, which server.clients still lists.
    server.clients.get(ctx.id)!.notify('tick', [6])
    server.broadcast('tick', [7])
    // The client claims 3: frames 4 to 7 come again, in order, right after the answer.
    const answer = await c.open({ received: 3 })
    expect(answer).toMatchObject({ id: ctx.id, resumed: true, received: 0 })
    await vi.waitFor(() => expect(c.raw.length).toBe(5), patient)
    expect(c.raw.slice(1).map((text) => JSON.parse(text) as unknown)).toEqual([4, 5, 6, 7].map((n) => note('tick', [n])))
    expect(server.clients.get(ctx.id)).toBe(ctx)
  })

  // Issue #26, defect 1: an event broadcast between a socket's upgrade and its resume handshake went
  // out on the new socket ahead of the handshake answer (to the context made at the upgrade), and
  // again in its place in the session's replay: the client saw it twice and out of order.
  it('writes nothing ahead of the resume: an event broadcast while the socket opens comes once, in its place', async () => {
    const server = await start()
    const c = sessionClient(url(server))
    await c.open()
    server.broadcast('tick', [1])
    server.broadcast('tick', [2])
    await vi.waitFor(() => expect(c.received).toBe(2), patient)
    c.drop()
    await vi.waitFor(() => expect(server.stats.connections).toBe(0), patient)
    server.broadcast('tick', [3])
    // The new socket is accepted, and has not said yet which session it continues.
    const answer = await c.open({ received: 2, beforeHandshake: () => server.broadcast('tick', [4]) })
    expect(answer).toMatchObject({ resumed: true })
    server.broadcast('tick', [5])
    await vi.waitFor(() => expect(c.raw.length).toBe(4), patient)
    expect(JSON.parse(c.raw[0]!)).toMatchObject({ result: { resumed: true } })
    expect(c.raw.slice(1).map((text) => JSON.parse(text) as unknown)).toEqual([3, 4, 5].map((n) => note('tick', [n])))
    expect(c.tracked).toEqual([1, 2, 3, 4, 5].map((n) => note('tick', [n])))
  })

  it("sends a new session what was delivered to its socket's context before the handshake, after the answer", async () => {
    const server = await start({ onConnect: (ctx) => ctx.notify('welcome', []) })
    const c = sessionClient(url(server))
    await c.open({ beforeHandshake: () => server.broadcast('tick', [1]) })
    await vi.waitFor(() => expect(c.raw.length).toBe(3), patient)
    expect(JSON.parse(c.raw[0]!)).toMatchObject({ result: { resumed: false } })
    // Tracked frames of the new session (positions 1 and 2), which a resume would replay.
    expect(c.tracked).toEqual([note('welcome', []), note('tick', [1])])
  })

  it('answers a tracked request that finished while the client was away on its next socket', async () => {
    const gate = deferred()
    const server = await start({ methods: { slow: async () => { await gate.promise; return 'done' } } })
    const c = sessionClient(url(server))
    await c.open()
    c.send(request(1, 'slow', []))
    await vi.waitFor(() => expect(server.stats.calls).toBe(1), patient)
    c.drop()
    await vi.waitFor(() => expect(server.stats.connections).toBe(0), patient)
    gate.resolve()
    await c.open()
    await vi.waitFor(() => expect(c.tracked.length).toBe(1), patient)
    expect(c.tracked).toEqual([{ jsonrpc: '2.0', id: 1, result: 'done' }])
  })

  it('settles a server-to-client call across a drop when the client answers after resuming', async () => {
    const server = await start()
    const c = sessionClient(url(server))
    await c.open()
    const ctx = only(server.clients)
    const answer = ctx.call('confirm', { q: 'sure?' })
    await vi.waitFor(() => expect(c.tracked.length).toBe(1), patient)
    const call = c.tracked[0] as { id: number }
    c.drop()
    await vi.waitFor(() => expect(server.stats.connections).toBe(0), patient)
    await c.open()
    c.send({ jsonrpc: '2.0', id: call.id, result: 'yes' })
    expect(await answer).toBe('yes')
  })

  it('acknowledges the client frames once per ackDelay, or at once every 128', async () => {
    const logged: number[] = []
    const methods = { log: (params: unknown) => void logged.push((params as number[])[0]!) }
    const server = await start({ sessions: { ackDelay: 60_000 }, methods })
    const c = sessionClient(url(server))
    await c.open()
    for (let n = 1; n <= 127; n++) c.send(note('log', [n]))
    await vi.waitFor(() => expect(logged.length).toBe(127), patient)
    expect(c.acks).toEqual([])
    expect(c.held).toHaveLength(127)
    c.send(note('log', [128]))
    await vi.waitFor(() => expect(c.acks.length).toBe(1), patient)
    expect(c.acks).toEqual([128])
    expect(c.held).toEqual([])

    // Fewer than 128: the ack comes after ackDelay, cumulative, covering all of them.
    const quick = await start({ sessions: { ackDelay: 20 }, methods })
    const d = sessionClient(url(quick))
    await d.open()
    for (let n = 1; n <= 3; n++) d.send(note('log', [n]))
    await vi.waitFor(() => expect(d.acks.at(-1)).toBe(3), patient)
    expect(d.acks).toEqual([...d.acks].sort((a, b) => a - b))
    expect(new Set(d.acks).size).toBe(d.acks.length)
    expect(d.held).toEqual([])
  })
})

describe('client to server', () => {
  it('runs every tracked frame exactly once, in order, across cuts mid-stream', async () => {
    const log: number[] = []
    const server = await start({ methods: { log: (params) => void log.push((params as number[])[0]!) } })
    const c = sessionClient(url(server))
    await c.open()
    let next = 1
    for (let cut = 0; cut < 5; cut++) {
      for (let n = 0; n < 40; n++) c.send(note('log', [next++]))
      // Cut with frames in flight: some reached the server, some did not; the answer says which.
      c.drop()
      const answer = await c.open()
      expect(answer.resumed).toBe(true)
    }
    await vi.waitFor(() => expect(log.length).toBe(next - 1), patient)
    expect(log).toEqual(Array.from({ length: next - 1 }, (_, index) => index + 1))
  })

  it('answers the resume with how far the server received, and keeps counting after a page reload', async () => {
    const log: number[] = []
    const server = await start({ methods: { log: (params) => void log.push((params as number[])[0]!) } })
    const c = sessionClient(url(server))
    await c.open()
    for (let n = 1; n <= 3; n++) c.send(note('log', [n]))
    await vi.waitFor(() => expect(log.length).toBe(3), patient)
    const ctx = only(server.clients)
    ctx.notify('for the old page', [])
    const pending = ctx.call('old page, answer me').catch((e: unknown) => e)
    await vi.waitFor(() => expect(c.received).toBe(2), patient)
    c.drop()
    // A reload: the page knows its stored frames' positions, not what it received.
    const answer = await c.open({ received: null })
    expect(answer).toMatchObject({ resumed: true, received: 3 })
    expect(isConnectionClosedError(await pending)).toBe(true)
    // Nothing replayed, and the server numbers its frames from 1 again.
    ctx.notify('for the new page', [])
    await vi.waitFor(() => expect(c.received).toBe(1), patient)
    expect(c.tracked.at(-1)).toEqual(note('for the new page', []))
    c.ack()
    c.send(note('log', [4]))
    await vi.waitFor(() => expect(log.length).toBe(4), patient)
    expect(log).toEqual([1, 2, 3, 4])
  })
})

describe('bounds and endings', () => {
  it('ends a session whose unacknowledged frames go over maxBytes: 1013, and the next resume is refused', async () => {
    const onDisconnect = vi.fn()
    const server = await start({ sessions: { maxBytes: 2000 }, onDisconnect })
    const c = sessionClient(url(server))
    const first = await c.open()
    const ctx = only(server.clients)
    for (let n = 0; n < 30; n++) ctx.notify('big', ['x'.repeat(100)])
    expect(await c.closed()).toEqual({ code: 1013, reason: 'Session buffer full' })
    expect(onDisconnect).toHaveBeenCalledWith(ctx, 1013, 'Session buffer full')
    const again = await c.open()
    expect(again.resumed).toBe(false)
    expect(again.id).not.toBe(first.id)
  })

  it('expires a session left without a socket for ttl', async () => {
    const ended: unknown[] = []
    const server = await start({ sessions: { ttl: 50 }, onDisconnect: (ctx, code) => ended.push([ctx.id, code]) })
    const c = sessionClient(url(server))
    const first = await c.open()
    c.drop()
    expect(server.clients.has(first.id)).toBe(true)
    await vi.waitFor(() => expect(ended.length).toBe(1), patient)
    expect(ended).toEqual([[first.id, 1006]])
    expect(server.clients.size).toBe(0)
    expect((await c.open()).resumed).toBe(false)
  })

  it('ends the session on ctx.close: the client starts a new one', async () => {
    const server = await start()
    const c = sessionClient(url(server))
    const first = await c.open()
    only(server.clients).close(4000, 'bye')
    expect(await c.closed()).toEqual({ code: 4000, reason: 'bye' })
    await vi.waitFor(() => expect(server.stats.connections).toBe(0), patient)
    const next = await c.open()
    expect(next.resumed).toBe(false)
    expect(next.id).not.toBe(first.id)
  })

  it('terminates a half-open socket when its session is resumed elsewhere', async () => {
    const log: number[] = []
    const server = await start({ methods: { log: (params) => void log.push((params as number[])[0]!) } })
    const c = sessionClient(url(server))
    await c.open()
    c.send(note('log', [1]))
    await vi.waitFor(() => expect(log.length).toBe(1), patient)
    const old = c.socket!
    const oldClosed = new Promise<number>((resolve) => old.on('close', (code) => resolve(code)))
    // The old socket stays open on the client's side too: the server must end it.
    const stale = sessionClient(url(server))
    const answer = await stale.open({ id: c.id, received: 0 })
    expect(answer).toMatchObject({ id: c.id, resumed: true, received: 1 })
    expect(await oldClosed).toBe(1006)
    expect([...server.clients.keys()]).toEqual([c.id])
  })

  it('calls onConnect per context, onResume per resume, onDisconnect when a context ends', async () => {
    const log: unknown[] = []
    const server = await start({
      sessions: { ttl: 50 },
      onConnect: (ctx: Context) => log.push(['connect', ctx.id]),
      onResume: (ctx: Context) => log.push(['resume', ctx.id]),
      onDisconnect: (ctx: Context, code: number, reason: string) => log.push(['disconnect', ctx.id, code, reason]),
    })
    const c = sessionClient(url(server))
    const { id } = await c.open()
    c.drop()
    await c.open()
    await vi.waitFor(() => expect(log.length).toBe(4), patient)
    const provisional = (log[1] as string[])[1]
    expect(log).toEqual([
      ['connect', id],
      ['connect', provisional],
      ['disconnect', provisional, 1000, 'Session resumed'],
      ['resume', id],
    ])
    c.drop()
    await vi.waitFor(() => expect(log.length).toBe(5), patient)
    expect(log[4]).toEqual(['disconnect', id, 1006, ''])
  })
})

describe('graceful restart with a shared store', () => {
  it('acknowledges everything before 1012, and the next server resumes: nothing lost, nothing twice', async () => {
    const store = createSessionStore()
    const log: number[] = []
    const gate = deferred()
    const methods = {
      log: (params: unknown) => void log.push((params as number[])[0]!),
      echo: async (params: unknown) => {
        await gate.promise
        return params
      },
    }
    const old = await start({ methods, sessions: { store, ackDelay: 60_000 } })
    const port = old.port!
    const c = sessionClient(url(old))
    const first = await c.open()
    for (let n = 1; n <= 50; n++) c.send(note('log', [n]))
    c.send(request(51, 'echo', ['answered before the restart']))
    await vi.waitFor(() => expect({ logged: log.length, calls: old.stats.calls }).toEqual({ logged: 50, calls: 51 }), patient)
    only(old.clients).notify('before', [])
    // close() lets the running request finish and answer before it acknowledges and closes.
    const closing = old.close()
    gate.resolve()
    await closing
    // The last frames before the close: every reply, then the ack of all 51 frames.
    expect(await c.closed()).toEqual({ code: 1012, reason: 'Service restart' })
    expect(c.acks).toEqual([51])
    expect(c.held).toEqual([])
    expect(c.tracked).toEqual([note('before', []), { jsonrpc: '2.0', id: 51, result: ['answered before the restart'] }])

    const hooks: unknown[] = []
    const fresh = track(createServer({
      port, host: '127.0.0.1', methods, sessions: { store }, onError: () => {},
      onConnect: (ctx) => hooks.push(['connect', ctx.id]),
      onResume: (ctx) => hooks.push(['resume', ctx.id]),
    }))
    await fresh.ready
    const answer = await c.open()
    expect(answer).toMatchObject({ id: first.id, resumed: true, received: 51 })
    // New to this process: onConnect for the session's context, then onResume.
    await vi.waitFor(() => expect(hooks.length).toBe(3), patient)
    expect(hooks.slice(1)).toEqual([['connect', first.id], ['resume', first.id]])
    for (let n = 52; n <= 60; n++) c.send(note('log', [n]))
    await vi.waitFor(() => expect(log.length).toBe(59), patient)
    expect(log).toEqual([...Array.from({ length: 50 }, (_, index) => index + 1), ...Array.from({ length: 9 }, (_, index) => index + 52)])
    expect(fresh.clients.get(first.id)?.id).toBe(first.id)
  })

  it('never reuses a call id across a restart: a late answer to the old server settles nothing on the new one', async () => {
    const store = createSessionStore()
    const old = await start({ sessions: { store } })
    const port = old.port!
    const c = sessionClient(url(old))
    const first = await c.open()
    const oldCall = only(old.clients).call('confirm', ['old']).catch((e: unknown) => e)
    await vi.waitFor(() => expect(c.tracked.length).toBe(1), patient)
    const oldId = (c.tracked[0] as { id: unknown }).id
    await old.close()
    // The old server's call fails with its server; its answer is still in the client's hands.
    expect(isConnectionClosedError(await oldCall)).toBe(true)
    await c.closed()

    const fresh = track(createServer({ port, host: '127.0.0.1', sessions: { store }, onError: () => {} }))
    await fresh.ready
    expect(await c.open()).toMatchObject({ id: first.id, resumed: true })
    const newCall = only(fresh.clients).call('confirm', ['new'])
    await vi.waitFor(() => expect(c.tracked.length).toBe(2), patient)
    const newId = (c.tracked[1] as { id: unknown }).id
    expect(newId).not.toEqual(oldId)
    // The client writes the late answer first, as an outbox written again after a resume does.
    c.send({ jsonrpc: '2.0', id: oldId, result: 'answer to the old server' })
    c.send({ jsonrpc: '2.0', id: newId, result: 'answer to the new server' })
    expect(await newCall).toBe('answer to the new server')
  })

  it('loses and repeats nothing when the restart lands mid-stream', async () => {
    const store = createSessionStore()
    const log: number[] = []
    const gate = deferred()
    const methods = {
      log: (params: unknown) => void log.push((params as number[])[0]!),
      slow: async () => {
        await gate.promise
        log.push(101)
      },
    }
    const old = await start({ methods, sessions: { store } })
    const port = old.port!
    const c = sessionClient(url(old))
    await c.open()
    for (let n = 1; n <= 100; n++) c.send(note('log', [n]))
    c.send(note('slow', []))
    await vi.waitFor(() => expect(old.stats.calls).toBe(101), patient)
    // close() waits for the slow one; frames 102 to 200 arrive meanwhile: not counted, not run.
    const closing = old.close()
    for (let n = 102; n <= 200; n++) c.send(note('log', [n]))
    // A ping is answered even while closing, after every frame sent before it was read.
    c.control({ jsonrpc: '2.0', id: 'sync', method: 'rpc.ping' })
    await vi.waitFor(() => expect(c.raw.some((text) => text.includes('"sync"')), 'a "sync" frame').toBe(true), patient)
    gate.resolve()
    await closing
    expect(c.acks.at(-1)).toBe(101)
    track(createServer({ port, host: '127.0.0.1', methods, sessions: { store }, onError: () => {} }))
    const answer = await c.open()
    expect(answer).toMatchObject({ resumed: true, received: 101 })
    await vi.waitFor(() => expect(log.length).toBeGreaterThanOrEqual(200), patient)
    expect(log).toEqual(Array.from({ length: 200 }, (_, index) => index + 1))
  })

  it('works with a store that answers asynchronously, holding frames until the handshake is decided', async () => {
    const memory = createSessionStore()
    const later = <T>(value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), 20))
    const store = {
      save: async (state: Parameters<typeof memory.save>[0]) => later(await memory.save(state)),
      take: async (id: string) => later(await memory.take(id)),
    }
    const log: number[] = []
    const methods = { log: (params: unknown) => void log.push((params as number[])[0]!) }
    const old = await start({ methods, sessions: { store } })
    const port = old.port!
    const c = sessionClient(url(old))
    const first = await c.open()
    c.send(note('log', [1]))
    await vi.waitFor(() => expect(log.length).toBe(1), patient)
    await old.close()
    track(createServer({ port, host: '127.0.0.1', methods, sessions: { store }, onError: () => {} }))
    // The handshake, a resubscribe batch and (against the rule, to test the server) a tracked
    // frame, all in one go: the server holds the rest until the session is decided.
    const p = await open(`ws://127.0.0.1:${port}/`)
    p.send({ jsonrpc: '2.0', id: 1, method: 'rpc.session', params: { id: first.id, received: 0 } })
    p.send([{ jsonrpc: '2.0', id: 2, method: 'rpc.subscribe', params: { topic: 't' } }])
    p.send(note('log', [2]))
    expect(await p.next()).toMatchObject({ id: 1, result: { id: first.id, resumed: true, received: 1 } })
    expect(await p.next()).toEqual([{ jsonrpc: '2.0', id: 2, result: { seq: null, gap: false, epoch: expect.any(String) } }])
    await vi.waitFor(() => expect(log.length).toBe(2), patient)
    expect(log).toEqual([1, 2])
  })

  it('starts over after a restart without a shared store', async () => {
    const old = await start()
    const port = old.port!
    const c = sessionClient(url(old))
    await c.open()
    await old.close()
    const fresh = track(createServer({ port, host: '127.0.0.1', onError: () => {} }))
    await fresh.ready
    expect((await c.open()).resumed).toBe(false)
  })
})
