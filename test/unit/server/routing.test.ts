// Routing, without sockets: the real server core on an in-memory transport and a manual clock
// (test/helpers/memory-transport.ts). Each inbound message reaches what handles it, and each frame
// is answered once, in the shape it came in (a batch with a batch), with the protocol's codes.
import { describe, expect, it } from 'vitest'
import { isConnectionClosedError, isTimeoutError, RpcError } from '../../../src/server'
import { flush } from '../../helpers/flush'
import { memoryServer } from '../../helpers/memory-transport'

const request = (id: number | string, method: string, params?: unknown) => ({ jsonrpc: '2.0', id, method, params })
const notification = (method: string, params?: unknown) => ({ jsonrpc: '2.0', method, params })

/** A promise the test settles. */
function later<T>() {
  let resolve: (value: T) => void = () => {}
  const promise = new Promise<T>((settle) => {
    resolve = settle
  })
  return { promise, resolve }
}

describe('routing a message', () => {
  it('answers a method that returns a value in the same turn: no promise, no microtask', () => {
    const { connect } = memoryServer({ methods: { add: (params) => (params as number[]).reduce((a, b) => a + b, 0) } })
    const peer = connect()
    peer.send(request(1, 'add', [1, 2, 3]))
    expect(peer.take()).toEqual([{ jsonrpc: '2.0', id: 1, result: 6 }])
  })

  it('answers a method that returns a promise when it settles, and keeps its slot until then', async () => {
    const gate = later<string>()
    const { connect } = memoryServer({ maxInFlight: 1, methods: { slow: () => gate.promise, fast: () => 'fast' } })
    const peer = connect()
    peer.send(request(1, 'slow'))
    peer.send(request(2, 'fast'))
    await flush()
    // The one slot is held by `slow`: `fast` waits in the queue, in arrival order.
    expect(peer.take()).toEqual([])
    gate.resolve('slow')
    await flush()
    expect(peer.take()).toEqual([{ jsonrpc: '2.0', id: 1, result: 'slow' }, { jsonrpc: '2.0', id: 2, result: 'fast' }])
  })

  it('refuses a request that finds the queue full with codes.overloaded, and never refuses a notification', async () => {
    const gate = later<void>()
    const ran: string[] = []
    const { connect } = memoryServer({
      maxInFlight: 1,
      maxQueued: 1,
      methods: { hold: () => gate.promise, note: (params) => void ran.push(String(params)) },
    })
    const peer = connect()
    peer.send(request(1, 'hold'))
    peer.send(request(2, 'hold'))
    peer.send(request(3, 'hold'))
    peer.send(notification('note', ['beyond the queue']))
    expect(peer.take()).toEqual([{ jsonrpc: '2.0', id: 3, error: { code: -32000, message: 'Too many requests' } }])
    gate.resolve()
    await flush()
    expect(peer.take().map((frame) => frame.id)).toEqual([1, 2])
    expect(ran).toEqual(['beyond the queue'])
  })

  it('answers a batch with one batch (a batch of one with an array), notifications left out', () => {
    const { connect } = memoryServer({ methods: { echo: (params) => params } })
    const peer = connect()
    peer.send([request(1, 'echo', ['a']), notification('echo', ['b']), request(2, 'echo', ['c'])])
    peer.send([request(3, 'echo', ['d'])])
    expect(peer.take()).toEqual([
      [{ jsonrpc: '2.0', id: 1, result: ['a'] }, { jsonrpc: '2.0', id: 2, result: ['c'] }],
      [{ jsonrpc: '2.0', id: 3, result: ['d'] }],
    ])
  })

  it('keeps a thrown RpcError, and turns any other failure into an internal error that is reported, not leaked', async () => {
    const { connect, errors, core } = memoryServer({
      methods: {
        deny: () => {
          throw new RpcError(4001, 'No such room', { room: 'x' })
        },
        boom: () => {
          throw new Error('db password is hunter2')
        },
        reject: () => Promise.reject(new TypeError('secret')),
      },
    })
    const peer = connect()
    peer.send(request(1, 'deny'))
    peer.send(request(2, 'boom'))
    peer.send(request(3, 'reject'))
    await flush()
    expect(peer.take()).toEqual([
      { jsonrpc: '2.0', id: 1, error: { code: 4001, message: 'No such room', data: { room: 'x' } } },
      { jsonrpc: '2.0', id: 2, error: { code: -32603, message: 'Internal error' } },
      { jsonrpc: '2.0', id: 3, error: { code: -32603, message: 'Internal error' } },
    ])
    expect(errors.map(String)).toEqual(['Error: db password is hunter2', 'TypeError: secret'])
    expect(core.stats).toMatchObject({ calls: 3, errors: 3 })
  })

  it('answers protocol messages itself: ping, ack, an unknown method (named), and rpc.session only first', () => {
    const { connect } = memoryServer()
    const peer = connect()
    peer.send(request(1, 'rpc.ping'))
    peer.send(request(2, 'rpc.ack', { received: 0 }))
    peer.send(request(3, 'room.jion'))
    peer.send(request(4, 'rpc.session', { id: null, received: null }))
    expect(peer.take()).toEqual([
      { jsonrpc: '2.0', id: 1, result: 'pong' },
      { jsonrpc: '2.0', id: 2, result: null },
      { jsonrpc: '2.0', id: 3, error: { code: -32601, message: 'Method not found: room.jion' } },
      { jsonrpc: '2.0', id: 4, error: { code: -32600, message: 'Invalid Request: rpc.session must be the first message on a socket' } },
    ])
  })

  it('answers what does not decode: a binary frame -32700, bad JSON -32700, a non-message -32600, a bad once -32600', () => {
    const { connect, core } = memoryServer({ methods: { echo: (params) => params } })
    const peer = connect()
    peer.sendRaw(undefined)
    peer.sendRaw('{"jsonrpc": "2.0", ')
    peer.send({ jsonrpc: '1.0', id: 1, method: 'echo' })
    peer.send({ ...notification('echo'), once: ['tab', -1] })
    expect(peer.take()).toEqual([
      { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } },
      { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } },
      { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'Invalid Request' } },
      { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'Invalid Request: once must be [origin, n]' } },
    ])
    expect(core.stats.malformed).toBe(4)
  })

  it('settles ctx.call with the client answer, and times it out on the server clock', async () => {
    const { connect, core, clock } = memoryServer({ callTimeout: 5000 })
    const peer = connect()
    // Until its first frame, a connection may be a session's come back: what is sent to it waits.
    peer.send(request(0, 'rpc.ping'))
    peer.take()
    const ctx = [...core.clients.values()][0]!
    const answered = ctx.call('confirm', { n: 1 })
    const [call] = peer.take()
    peer.send({ jsonrpc: '2.0', id: call!.id, result: 'yes' })
    await expect(answered).resolves.toBe('yes')

    const unanswered = ctx.call('confirm', { n: 2 }).catch((err: unknown) => err)
    clock.advance(4999)
    await flush()
    clock.advance(1)
    const err = await unanswered
    expect(isTimeoutError(err) && err.message).toBe('lifeline-ws/server: confirm timed out')
  })

  it('rejects the calls made to a plain client when its connection closes', async () => {
    const { connect, core } = memoryServer()
    const peer = connect()
    const pending = [...core.clients.values()][0]!.call('confirm').catch((err: unknown) => err)
    peer.leave()
    expect(isConnectionClosedError(await pending)).toBe(true)
    expect(core.clients.size).toBe(0)
  })
})

describe('routing a subscribe', () => {
  it('checks params, refuses what authorizeSubscribe refuses, and counts subscribes under way toward maxSubscriptions', async () => {
    const { connect } = memoryServer({ maxSubscriptions: 1, authorizeSubscribe: (topic) => topic !== 'secret' })
    const peer = connect()
    peer.send(request(1, 'rpc.subscribe', { topic: '' }))
    peer.send(request(2, 'rpc.subscribe', { topic: 'secret' }))
    // 'secret' is still being authorized: it holds the one place.
    peer.send(request(3, 'rpc.subscribe', { topic: 'news' }))
    await flush()
    peer.send(request(4, 'rpc.subscribe', { topic: 'news' }))
    await flush()
    peer.send(request(5, 'rpc.subscribe', { topic: 'more' }))
    await flush()
    expect(peer.take()).toEqual([
      { jsonrpc: '2.0', id: 1, error: { code: -32602, message: 'Invalid params' } },
      { jsonrpc: '2.0', id: 3, error: { code: -32001, message: 'Too many subscriptions' } },
      { jsonrpc: '2.0', id: 2, error: { code: 403, message: 'Forbidden' } },
      { jsonrpc: '2.0', id: 4, result: { seq: null, gap: false, epoch: expect.any(String) } },
      { jsonrpc: '2.0', id: 5, error: { code: -32001, message: 'Too many subscriptions' } },
    ])
  })

  it('replays what came after the cursor right after the answer, then live messages, each once', async () => {
    const { connect, core } = memoryServer()
    for (const n of [1, 2, 3]) void core.publish('t', n)
    const peer = connect()
    peer.send(request(1, 'rpc.subscribe', { topic: 't', after: 1 }))
    await flush()
    void core.publish('t', 4)
    expect(peer.take().map((frame) => frame.result ?? frame.params)).toEqual([
      { seq: 3, gap: false, epoch: expect.any(String) },
      { topic: 't', seq: 2, data: 2 },
      { topic: 't', seq: 3, data: 3 },
      { topic: 't', seq: 4, data: 4 },
    ])
    expect([...core.clients.values()][0]!.topics).toEqual(new Set(['t']))
  })

  it('an unsubscribe while the subscribe is being authorized withdraws it: confirmed, never subscribed', async () => {
    const gate = later<boolean>()
    const { connect, core } = memoryServer({ authorizeSubscribe: () => gate.promise })
    const peer = connect()
    peer.send(request(1, 'rpc.subscribe', { topic: 't' }))
    peer.send(notification('rpc.unsubscribe', { topic: 't' }))
    gate.resolve(true)
    await flush()
    void core.publish('t', 'after')
    expect(peer.take()).toEqual([{ jsonrpc: '2.0', id: 1, result: null }])
    expect([...core.clients.values()][0]!.topics.size).toBe(0)
  })
})

describe('a connection, on the server clock', () => {
  it('goes over its rate (1008), and its tokens come back with time', () => {
    const { connect, clock, core } = memoryServer({ rateLimit: { rate: 1, burst: 2 } })
    const steady = connect()
    steady.send(request(1, 'rpc.ping'))
    steady.send(request(2, 'rpc.ping'))
    clock.advance(1000)
    steady.send(request(3, 'rpc.ping'))
    expect(steady.take()).toHaveLength(3)
    expect(steady.ended).toBeUndefined()

    const flood = connect()
    for (const id of [1, 2, 3]) flood.send(request(id, 'rpc.ping'))
    expect(flood.take()).toHaveLength(2)
    expect(flood.ended).toEqual({ code: 1008, reason: 'Rate limit exceeded' })
    expect(core.stats.dropped).toBe(1)
  })

  it('is pinged by the heartbeat while it answers, and cut when it stops', async () => {
    const { connect, clock, core } = memoryServer({ heartbeat: { interval: 1000 } })
    const peer = connect()
    clock.advance(1000)
    expect(peer.pings).toBe(1)
    peer.pong()
    clock.advance(1000)
    expect(peer.pings).toBe(2)
    // Any frame counts as an answer too.
    peer.send(request(1, 'rpc.ping'))
    clock.advance(1000)
    expect(peer.pings).toBe(3)
    clock.advance(1000)
    expect(peer.ended).toBe('terminated')
    await flush()
    expect(core.stats).toMatchObject({ dropped: 1, connections: 0 })
  })

  it('cuts a reader whose unsent bytes go over maxBufferedAmount instead of buffering more', () => {
    const { connect, core } = memoryServer({ maxBufferedAmount: 100 })
    const peer = connect()
    peer.socket.bufferedAmount = 101
    peer.send(request(1, 'rpc.ping'))
    expect(peer.take()).toEqual([])
    expect(peer.ended).toBe('terminated')
    expect(core.stats.dropped).toBe(1)
  })
})
