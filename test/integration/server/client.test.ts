// The real client against the real server: every feature end to end.
import { describe, expect, it, vi } from 'vitest'
import { isRpcError, type WebSocketConstructor } from '../../../src/index'
import { client } from './client-helper'
import { start, url } from './helpers'
import type { WebSocket } from 'ws'
import { manualClock } from '../../helpers/manual-clock'
import { trackedWebSocket } from '../../helpers/tracking'
import { patient } from '../../helpers/wait'
import { flush } from '../../helpers/flush'

describe('client and server', () => {
  it('calls methods and gets results and typed errors', async () => {
    const server = await start({
      methods: {
        add: (p) => (p as number[]).reduce((a, b) => a + b, 0),
        fail: () => { throw new Error('hidden') },
      },
    })
    const c = client(url(server))
    expect(await c.call('add', [1, 2, 3])).toBe(6)
    const internal = await c.call('fail').catch((e: unknown) => e)
    expect(isRpcError(internal) && [internal.code, internal.message]).toEqual([-32603, 'Internal error'])
    const missing = await c.call('nope').catch((e: unknown) => e)
    expect(isRpcError(missing) && missing.code).toBe(-32601)
  })

  it('delivers ctx.notify and broadcast to client.listen', async () => {
    const server = await start({ methods: { poke: (_p, ctx) => void ctx.notify('poked', { by: 'server' }) } })
    const c = client(url(server))
    const got: unknown[] = []
    c.listen('poked', (p) => got.push(['poked', p]))
    c.listen('news', (p) => got.push(['news', p]))
    await c.call('poke')
    server.broadcast('news', { headline: 'hi' })
    await vi.waitFor(() => expect(got.length).toBe(2), patient)
    expect(got).toEqual([['poked', { by: 'server' }], ['news', { headline: 'hi' }]])
  })

  it('answers server-to-client calls with client.handle', async () => {
    const server = await start()
    const c = client(url(server))
    c.handle('confirm', (p) => ({ ok: (p as { q: string }).q === 'sure?' }))
    await c.ready()
    await vi.waitFor(() => expect(server.clients.size).toBeGreaterThan(0), patient)
    const ctx = [...server.clients.values()][0]!
    expect(await ctx.call('confirm', { q: 'sure?' })).toEqual({ ok: true })
    const err = await ctx.call('unhandled', {}).catch((e: unknown) => e)
    expect(isRpcError(err) && err.code).toBe(-32601)
  })

  it('resumes topics after a dropped connection: missed messages once, in order', async () => {
    const server = await start()
    const c = client(url(server))
    const got: [unknown, number | undefined][] = []
    const sub = c.subscribe('room', (data, meta) => got.push([data, meta.seq]))
    await sub.ready
    server.publish('room', 'a')
    await vi.waitFor(() => expect(got.length).toBe(1), patient)
    const reopened = new Promise((r) => c.on('open', () => r(null)))
    // The server drops the client; it publishes while the client is away.
    ;[...server.clients.values()][0]!.close(1012, 'bye')
    await vi.waitFor(() => expect(server.clients.size).toBe(0), patient)
    server.publish('room', 'b')
    server.publish('room', 'c')
    await reopened
    server.publish('room', 'd')
    await vi.waitFor(() => expect(got.length).toBe(4), patient)
    expect(got).toEqual([['a', 1], ['b', 2], ['c', 3], ['d', 4]])
  })

  it('tells the app about a gap when messages were lost while it was away', async () => {
    const server = await start({ history: { limit: 1 } })
    server.publish('t', 0)
    const c = client(url(server))
    const got: unknown[] = []
    let gaps = 0
    await c.subscribe('t', (d) => got.push(d), { onGap: () => gaps++ }).ready
    ;[...server.clients.values()][0]!.close(1012)
    await vi.waitFor(() => expect(server.clients.size).toBe(0), patient)
    server.publish('t', 1)
    server.publish('t', 2)
    await vi.waitFor(() => expect(gaps).toBe(1), patient)
    server.publish('t', 3)
    await vi.waitFor(() => expect(got.length).toBeGreaterThan(1), patient)
    // 1 is gone (the history keeps one message); 2 is still kept and replayed after the gap.
    expect(got).toEqual([2, 3])
  })

  // The server answers a topic without messages with `seq: null`; the client resumes it from 0.
  it('resumes a topic that was empty when it subscribed', async () => {
    const server = await start()
    const c = client(url(server))
    const got: unknown[] = []
    await c.subscribe('empty', (d) => got.push(d)).ready
    ;[...server.clients.values()][0]!.close(1012)
    await vi.waitFor(() => expect(server.clients.size).toBe(0), patient)
    server.publish('empty', 'while away')
    await vi.waitFor(() => expect(server.clients.size).toBeGreaterThan(0), patient)
    server.publish('empty', 'live')
    await vi.waitFor(() => expect(got.length).toBe(2), patient)
    expect(got).toEqual(['while away', 'live'])
  })

  it('stops, without retrying, when the server refuses authentication', async () => {
    const server = await start({ authenticate: () => false })
    // The client's timers on a clock of the test's own: a retry would be a timer, so a clock moved
    // an hour ahead that starts no socket shows none was scheduled (instead of sleeping and hoping).
    const time = manualClock()
    const sockets: WebSocket[] = []
    const c = client(url(server), {
      WebSocket: trackedWebSocket(sockets) as unknown as WebSocketConstructor,
      environment: { clock: time.clock },
    })
    const closes: number[] = []
    c.on('close', (e) => closes.push(e.code))
    // The socket opens (the close code needs one) and is closed at once.
    await vi.waitFor(() => expect(c.state).toBe('closed'), patient)
    await expect(c.ready()).rejects.toThrow()
    expect(closes).toEqual([4401])
    expect(time.pending).toBe(0)
    time.advance(60 * 60 * 1000)
    // One turn of the event loop: long enough for an attempt to reach the WebSocket constructor.
    await flush()
    expect(sockets).toHaveLength(1)
    expect(server.stats).toMatchObject({ rejected: 1, accepted: 0 })
  })

  it('stays connected through server pings and client heartbeats', async () => {
    const server = await start({ heartbeat: { interval: 100 } })
    const sockets: WebSocket[] = []
    const c = client(url(server), { WebSocket: trackedWebSocket(sockets) as unknown as WebSocketConstructor, heartbeat: { interval: 50, timeout: 1000 } })
    let closes = 0
    let pongs = 0
    let serverPings = 0
    c.on('close', () => closes++)
    c.on('message', (data) => void (String(data).includes('"result":"pong"') && pongs++))
    await c.ready()
    sockets[0]!.on('ping', () => serverPings++)
    // Both heartbeats run on real timers here (the server's cannot be injected). Counted, not slept:
    // the server pings a client only if it answered the previous ping, so a third ping on the first
    // socket is two of the server's checks passed, while the client probed the line too.
    await vi.waitFor(() => {
      expect(serverPings).toBeGreaterThanOrEqual(3)
      expect(pongs).toBeGreaterThanOrEqual(2)
    }, patient)
    expect(closes).toBe(0)
    // The client probed a silent line several times and the server answered each probe.
    expect(pongs).toBeGreaterThanOrEqual(2)
    expect(server.stats).toMatchObject({ dropped: 0, connections: 1 })
  })
})
