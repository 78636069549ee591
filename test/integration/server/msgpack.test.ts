// lifeline-ws/server over MessagePack, against a real ws peer on loopback: the dialect picked per
// connection from the subprotocol, and everything served in it (calls with bytes both ways,
// notifications, server-to-client calls, topics with history and gaps, broadcast, sessions with
// acks and resume), beside a JSON client on the same server.
import { describe, expect, it, vi } from 'vitest'
import { createSessionStore, createServer, jsonRpc, type Context } from '../../../src/server'
import { msgpack } from '../../../src/protocol/msgpack'
import type { Message } from '../../../src/protocol/protocol'
import { patient } from '../../helpers/wait'
import WebSocket from 'ws'
import { cleanup, open, start, track, url } from './helpers'
import { openMsgpack } from './msgpack-peer'

const bytes = (...values: number[]) => new Uint8Array(values)

/** The subprotocol a handshake offering `protocols` agrees on, once a ping over JSON was answered on it. */
async function agreed(address: string, protocols: string[]): Promise<string> {
  const socket = new WebSocket(address, protocols)
  cleanup(() => socket.terminate())
  await new Promise((resolve) => socket.once('open', resolve))
  if (socket.protocol !== 'lifeline.msgpack') {
    socket.send('{"jsonrpc":"2.0","id":1,"method":"rpc.ping"}')
    expect(String(await new Promise((resolve) => socket.once('message', resolve)))).toBe('{"jsonrpc":"2.0","id":1,"result":"pong"}')
  }
  return socket.protocol
}
const both = () => [jsonRpc(), msgpack()]

describe('the dialect of each connection', () => {
  it('is the one its client offers, and a client offering none gets the first', async () => {
    const server = await start({ protocol: both() })
    const binary = await openMsgpack(url(server))
    expect(binary.socket.protocol).toBe('lifeline.msgpack')
    expect(await binary.call('rpc.ping')).toMatchObject({ type: 'response', result: 'pong' })
    const plain = await open(url(server))
    expect(plain.socket.protocol).toBe('')
    expect((await plain.call('rpc.ping', undefined, 1)).result).toBe('pong')
  })

  it("is the server's choice, in its order of preference, when the client offers both", async () => {
    const preferBinary = await start({ protocol: [msgpack(), jsonRpc()] })
    const first = await openMsgpack(url(preferBinary), ['lifeline.json', 'lifeline.msgpack'])
    expect(first.socket.protocol).toBe('lifeline.msgpack')
    const preferJson = await start({ protocol: both() })
    expect(await agreed(url(preferJson), ['lifeline.msgpack', 'lifeline.json'])).toBe('lifeline.json')
  })

  it("keeps an app's own subprotocol working: offered alone, it is agreed as before, and JSON serves it", async () => {
    const server = await start({ protocol: both() })
    expect(await agreed(url(server), ['chat.v2', 'chat.v1'])).toBe('chat.v2')
  })

  it('answers a frame of the other kind as a parse error, in the connection’s dialect', async () => {
    const server = await start({ protocol: both() })
    const binary = await openMsgpack(url(server))
    binary.socket.send('{"jsonrpc":"2.0","id":1,"method":"rpc.ping"}')
    expect(await binary.next()).toEqual([{ type: 'error', id: null, error: { code: -32700, message: 'Parse error' } }])
    binary.socket.send(new Uint8Array([0xdd, 0xff, 0xff, 0xff, 0xff]))
    expect(await binary.next()).toEqual([{ type: 'error', id: null, error: { code: -32700, message: 'Parse error' } }])
    binary.socket.send(new Uint8Array([0x92, 0x07, 0xa1, 0x78]))
    expect(await binary.next()).toEqual([{ type: 'error', id: null, error: { code: -32600, message: 'Invalid Request' } }])
    expect(server.stats.malformed).toBe(3)
  })

  it('refuses options that cannot work together, naming the problem', () => {
    expect(() => createServer({ noServer: true, protocol: [] })).toThrow(/non-empty list/)
    const { name: _name, ...unnamed } = msgpack()
    expect(() => createServer({ noServer: true, protocol: [jsonRpc(), unnamed] })).toThrow(/protocol\[1\] needs a name/)
    expect(() => createServer({ noServer: true, protocol: [jsonRpc(), jsonRpc()] })).toThrow(/two dialects are named lifeline.json/)
    expect(() => createServer({ noServer: true, protocol: [jsonRpc(), msgpack({ publish: 'event' })] })).toThrow(/protocol\[1\]\.publish is event and the first dialect's rpc.publish/)
  })
})

describe('calls and events over MessagePack', () => {
  it('round-trips Uint8Array params and results, and refuses them to a JSON client with an internal error', async () => {
    const errors: unknown[] = []
    const server = await start({
      protocol: both(),
      onError: (err) => errors.push(err),
      methods: { reverse: (params) => ({ bytes: Uint8Array.from((params as { bytes: Uint8Array }).bytes).reverse() }), blob: () => bytes(1, 2) },
    })
    const binary = await openMsgpack(url(server))
    expect(await binary.call('reverse', { bytes: bytes(1, 2, 3) })).toEqual({ type: 'response', id: expect.any(Number), result: { bytes: bytes(3, 2, 1) } })
    // A batch is answered with a batch, even of one.
    binary.send([{ type: 'request', id: 1, method: 'blob' }])
    expect(await binary.next()).toEqual([{ type: 'response', id: 1, result: bytes(1, 2) }])
    const plain = await open(url(server))
    expect((await plain.call('blob', undefined, 2)).error).toEqual({ code: -32603, message: 'Internal error' })
    expect(String(errors[0])).toMatch(/cannot encode as JSON: binary data in 'result': use msgpack\(\)/)
  })

  it('sends notifications and calls the client, bytes both ways', async () => {
    let context: Context | undefined
    const server = await start({ protocol: both(), onConnect: (ctx) => void (context = ctx) })
    const binary = await openMsgpack(url(server))
    // The first frame decides that this connection resumes no session: what is sent to it flows from then on.
    await binary.call('rpc.ping')
    context!.notify('frame', { pixels: bytes(9, 8) })
    expect(await binary.notification('frame')).toMatchObject({ params: { pixels: bytes(9, 8) } })
    const answer = context!.call('sign', { payload: bytes(5) })
    const [request] = (await binary.next()) as [Extract<Message, { type: 'request' }>]
    expect(request).toMatchObject({ type: 'request', method: 'sign', params: { payload: bytes(5) } })
    binary.send({ type: 'response', id: request.id, result: { signature: bytes(7, 7) } })
    expect(await answer).toEqual({ signature: bytes(7, 7) })
  })

  it('broadcasts in each client’s dialect, and skips a JSON client for bytes, reporting it once', async () => {
    const errors: unknown[] = []
    const server = await start({ protocol: both(), onError: (err) => errors.push(err) })
    const binary = await openMsgpack(url(server))
    const plain = await open(url(server))
    await binary.call('rpc.ping')
    expect((await plain.call('rpc.ping', undefined, 1)).result).toBe('pong')
    server.broadcast('news', { text: 'hi' })
    expect(await binary.notification('news')).toMatchObject({ params: { text: 'hi' } })
    expect(await plain.next()).toMatchObject({ method: 'news', params: { text: 'hi' } })
    server.broadcast('frame', { pixels: bytes(1) })
    expect(await binary.notification('frame')).toMatchObject({ params: { pixels: bytes(1) } })
    expect(errors).toHaveLength(1)
    expect(String(errors[0])).toMatch(/cannot encode as JSON: binary data in 'pixels'/)
    expect(() => server.broadcast('big', { n: 1n })).toThrow(/cannot encode/)
    expect((await plain.call('rpc.ping', undefined, 3)).result).toBe('pong')
    expect(plain.pending).toEqual([])
  })
})

describe('topics over MessagePack', () => {
  it('replays the history after the cursor, live messages follow, and a JSON subscriber misses only what JSON cannot carry', async () => {
    const errors: unknown[] = []
    const server = await start({ protocol: both(), onError: (err) => errors.push(err), history: { limit: 3 } })
    for (let n = 1; n <= 3; n++) await server.publish('cursors', { n, trail: bytes(n) })
    const binary = await openMsgpack(url(server))
    expect(await binary.call('rpc.subscribe', { topic: 'cursors', after: 1 })).toMatchObject({ result: { seq: 3, gap: false } })
    const replayed = [await binary.notification('rpc.publish'), await binary.notification('rpc.publish')]
    expect(replayed.map((message) => message.params)).toEqual([
      { topic: 'cursors', seq: 2, data: { n: 2, trail: bytes(2) } },
      { topic: 'cursors', seq: 3, data: { n: 3, trail: bytes(3) } },
    ])
    const plain = await open(url(server))
    expect((await plain.call('rpc.subscribe', { topic: 'cursors', after: 3 }, 1)).result).toMatchObject({ seq: 3, gap: false })
    await server.publish('cursors', { n: 4, trail: bytes(4) })
    await server.publish('cursors', { n: 5 })
    expect((await binary.notification('rpc.publish')).params).toEqual({ topic: 'cursors', seq: 4, data: { n: 4, trail: bytes(4) } })
    expect((await binary.notification('rpc.publish')).params).toEqual({ topic: 'cursors', seq: 5, data: { n: 5 } })
    expect(await plain.next()).toMatchObject({ params: { topic: 'cursors', seq: 5, data: { n: 5 } } })
    expect(errors.map(String)).toEqual([expect.stringMatching(/cannot encode as JSON: binary data in 'trail'/)])
  })

  it('tells a subscriber whose cursor is older than the history about the gap, and replays what is still kept', async () => {
    const server = await start({ protocol: both(), history: { limit: 2 } })
    for (let n = 1; n <= 5; n++) await server.publish('prices', { n })
    const binary = await openMsgpack(url(server))
    expect(await binary.call('rpc.subscribe', { topic: 'prices', after: 1 })).toMatchObject({ result: { seq: 5, gap: true } })
    await server.publish('prices', { n: 6 })
    const seqs = [await binary.notification('rpc.publish'), await binary.notification('rpc.publish'), await binary.notification('rpc.publish')]
    expect(seqs.map((message) => (message.params as { seq: number }).seq)).toEqual([4, 5, 6])
  })

  it('refuses a publish no dialect can carry before it takes a number', async () => {
    const server = await start({ protocol: both() })
    expect(() => server.publish('t', { n: 1n })).toThrow(/cannot encode/)
    expect(await server.publish('t', { ok: true })).toBe(1)
  })
})

describe('sessions over MessagePack', () => {
  /** Opens or resumes a session on a new msgpack connection; returns the peer and the handshake's result. */
  async function session(address: string, id: string | null, received: number | null) {
    const peer = await openMsgpack(address)
    const answer = await peer.call('rpc.session', { id, received })
    return { peer, result: (answer as { result: { id: string; resumed: boolean; received: number } }).result }
  }

  it('acknowledges, and replays the unacknowledged binary frames on resume, in order', async () => {
    let context: Context | undefined
    const server = await start({ protocol: both(), sessions: { ackDelay: 0 }, methods: { note: () => {} }, onConnect: (ctx) => void (context = ctx) })
    const first = await session(url(server), null, 0)
    expect(first.result.resumed).toBe(false)
    first.peer.send({ type: 'notification', method: 'note', params: [bytes(1)] })
    expect((await first.peer.notification('rpc.ack')).params).toEqual({ received: 1 })
    for (let n = 1; n <= 3; n++) context!.notify('frame', { n, pixels: bytes(n) })
    for (let n = 1; n <= 3; n++) expect((await first.peer.notification('frame')).params).toEqual({ n, pixels: bytes(n) })
    // The client saw one of the three and acknowledged it; then its socket dies.
    first.peer.send({ type: 'notification', method: 'rpc.ack', params: { received: 1 } })
    first.peer.socket.terminate()
    await vi.waitFor(() => expect(server.stats.connections).toBe(0), patient)
    context!.notify('frame', { n: 4, pixels: bytes(4) })
    const again = await session(url(server), first.result.id, 1)
    expect(again.result).toMatchObject({ id: first.result.id, resumed: true, received: 1 })
    for (let n = 2; n <= 4; n++) expect((await again.peer.notification('frame')).params).toEqual({ n, pixels: bytes(n) })
  })

  it('starts over when the client comes back in the other dialect: its kept frames are MessagePack', async () => {
    let context: Context | undefined
    const server = await start({ protocol: both(), sessions: { ackDelay: 0 }, onConnect: (ctx) => void (context = ctx) })
    const first = await session(url(server), null, 0)
    context!.notify('frame', { pixels: bytes(1) })
    await first.peer.notification('frame')
    first.peer.socket.terminate()
    await vi.waitFor(() => expect(server.stats.connections).toBe(0), patient)
    const plain = await open(url(server))
    expect((await plain.call('rpc.session', { id: first.result.id, received: 0 }, 1)).result).toMatchObject({ resumed: false, received: 0 })
    expect(plain.pending).toEqual([])
  })

  it('keeps binary frames in the session store across a graceful restart', async () => {
    const store = createSessionStore()
    let context: Context | undefined
    const options = { protocol: both(), sessions: { store, ackDelay: 0 }, onConnect: (ctx: Context) => void (context = ctx) }
    const before = track(createServer({ ...options, port: 0, host: '127.0.0.1' }))
    await before.ready
    const first = await session(url(before), null, 0)
    context!.notify('frame', { pixels: bytes(1, 2, 3) })
    await first.peer.notification('frame')
    await before.close()
    const after = await start(options)
    const again = await session(url(after), first.result.id, 0)
    expect(again.result).toMatchObject({ id: first.result.id, resumed: true })
    expect((await again.peer.notification('frame')).params).toEqual({ pixels: bytes(1, 2, 3) })
  })
})
