// lifeline-ws/server/deno and /bun in Node, on stand-ins of the `Deno` and `Bun` namespaces shaped
// like the members the transports use (DenoRuntime, BunRuntime): the wiring from the runtime's
// events to the core and back, and what only a stand-in can make happen on demand (Bun refusing a
// frame, Deno never finishing a closing handshake, an upgrade the runtime rejects). The same
// entries against the real runtimes: `npm run test:runtimes`.
import { decode as rawDecode, encode as rawEncode } from '@msgpack/msgpack'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { msgpack } from '../../../src/msgpack'
import { jsonRpc } from '../../../src/protocol/json-rpc'
import { createServer as createDenoServer } from '../../../src/server/deno'
import { createServer as createBunServer } from '../../../src/server/bun'
import type { BunRuntime, BunServer, BunServerWebSocket, BunWebSocketHandler } from '../../../src/server/transport/bun'
import type { DenoRuntime } from '../../../src/server/transport/deno'
import type { SharedServerOptions } from '../../../src/server/options'
import type { WebUpgradeRequest } from '../../../src/server/transport/web-door'
import type { Contract } from '../../../src/protocol/contract'

afterEach(() => {
  vi.unstubAllGlobals()
})

const upgradeRequest = (path = '/', headers: Record<string, string> = {}) =>
  new Request(`http://127.0.0.1:8080${path}`, {
    headers: { host: '127.0.0.1:8080', upgrade: 'websocket', connection: 'Upgrade', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', ...headers },
  })
const call = (id: number, method: string, params: unknown) => JSON.stringify({ jsonrpc: '2.0', id, method, params })
const sentFrames = (send: { mock: { calls: unknown[][] } }) => send.mock.calls.map(([text]) => JSON.parse(String(text)) as Record<string, unknown>)

/**
 * A Deno WebSocket as Deno.upgradeWebSocket hands it over: the test fires `open` and `message`; a
 * close the server starts ends with Deno's `close` event once the peer answers (`peer.answers`).
 */
function denoSocket(peer: { answers: boolean }) {
  const ws = {
    readyState: 0,
    bufferedAmount: 0,
    // As Deno (and a browser): bytes come as a Blob unless the server asks for ArrayBuffers.
    binaryType: 'blob' as 'blob' | 'arraybuffer',
    send: vi.fn(),
    close: vi.fn((code = 1005, reason = '') => {
      ws.readyState = 2
      if (peer.answers) queueMicrotask(() => ws.onclose?.({ code, reason }))
    }),
    onopen: null as (() => void) | null,
    onmessage: null as ((event: { readonly data: unknown }) => void) | null,
    onclose: null as ((event: { readonly code: number; readonly reason: string }) => void) | null,
    onerror: null as (() => void) | null,
    open() {
      ws.readyState = 1
      ws.onopen?.()
    },
    /** A binary frame, in the form the socket's binaryType asks for. */
    receiveBytes(bytes: Uint8Array) {
      ws.onmessage?.({ data: ws.binaryType === 'arraybuffer' ? bytes.slice().buffer : new Blob([bytes.slice()]) })
    },
  }
  return ws
}

function fakeDeno(peer = { answers: true }) {
  const sockets: ReturnType<typeof denoSocket>[] = []
  const idleTimeouts: number[] = []
  const protocols: (string | undefined)[] = []
  let handler: Parameters<DenoRuntime['serve']>[1] | undefined
  const shutdown = vi.fn(() => Promise.resolve())
  const deno: DenoRuntime = {
    serve(options, serveHandler) {
      handler = serveHandler
      return { addr: { port: options.port || 4321 }, shutdown }
    },
    upgradeWebSocket(request, options) {
      // As Deno: a request without a WebSocket key is not a handshake.
      if (!request.headers.get('sec-websocket-key')) throw new TypeError("Invalid Header: 'sec-websocket-key' header must be set")
      const socket = denoSocket(peer)
      sockets.push(socket)
      idleTimeouts.push(options.idleTimeout)
      protocols.push(options.protocol)
      // Node's Response cannot carry 101; the transport returns it as it is.
      return { socket, response: new Response('upgraded') }
    },
  }
  vi.stubGlobal('Deno', deno)
  const request = (raw: Request) => {
    if (!handler) throw new Error('Deno.serve was not called')
    return Promise.resolve(handler(raw, { remoteAddr: { hostname: '10.0.0.1' } }))
  }
  return { sockets, idleTimeouts, protocols, request, shutdown }
}

describe('lifeline-ws/server/deno on a stand-in Deno', () => {
  it('serves upgrades on a Deno.serve of its own: calls answered, a plain request told 426', async () => {
    const deno = fakeDeno()
    const server = createDenoServer({ port: 0, methods: { echo: (params) => params } })
    await server.ready
    expect(server.port).toBe(4321)
    expect((await deno.request(new Request('http://127.0.0.1:8080/'))).status).toBe(426)
    expect(await (await deno.request(upgradeRequest())).text()).toBe('upgraded')
    const [ws] = deno.sockets
    ws!.open()
    ws!.onmessage?.({ data: call(1, 'echo', ['hi']) })
    await vi.waitFor(() => expect(sentFrames(ws!.send)).toEqual([{ jsonrpc: '2.0', id: 1, result: ['hi'] }]))
    expect(server.stats.connections).toBe(1)
    ws!.onclose?.({ code: 1000, reason: '' })
    expect(server.stats.connections).toBe(0)
    await server.close()
    expect(deno.shutdown).toHaveBeenCalledTimes(1)
  })

  it('turns the heartbeat into idleTimeout: the interval in whole seconds, 0 with heartbeat off', async () => {
    const deno = fakeDeno()
    for (const heartbeat of [{ interval: 1500 }, false] as const) {
      const server = createDenoServer({ port: 0, heartbeat })
      await server.ready
      await deno.request(upgradeRequest())
      await server.close()
    }
    expect(deno.idleTimeouts).toEqual([2, 0])
  })

  it('closes a text or binary frame over maxPayload with 1009 and counts it; a frame at the limit is read', async () => {
    const deno = fakeDeno()
    const server = createDenoServer({ port: 0, maxPayload: 64, onError: () => {} })
    await server.ready
    const atTheLimit = JSON.stringify({ jsonrpc: '2.0', method: 'n', params: ['x'.repeat(20)] })
    expect(atTheLimit).toHaveLength(64)
    for (const data of ['é'.repeat(33), new Uint8Array(65), atTheLimit]) {
      await deno.request(upgradeRequest())
      deno.sockets.at(-1)!.open()
      deno.sockets.at(-1)!.onmessage?.({ data })
    }
    expect(deno.sockets.map((ws) => ws.close.mock.calls[0])).toEqual([[1009, 'Message too big'], [1009, 'Message too big'], undefined])
    expect(server.stats.malformed).toBe(2)
    await server.close()
  })

  it('agrees lifeline.msgpack when offered, reads binary frames as bytes (not Blobs), and answers in MessagePack', async () => {
    const deno = fakeDeno()
    const methods = { reverse: (params: unknown) => Uint8Array.from(params as Uint8Array).reverse(), echo: (params: unknown) => params }
    const server = createDenoServer({ port: 0, protocol: [jsonRpc(), msgpack()], methods })
    await server.ready
    await deno.request(upgradeRequest('/', { 'sec-websocket-protocol': 'app.v1, lifeline.msgpack' }))
    await deno.request(upgradeRequest())
    expect(deno.protocols).toEqual(['lifeline.msgpack', undefined])
    const [binary, plain] = deno.sockets
    expect(binary!.binaryType).toBe('arraybuffer')
    binary!.open()
    binary!.receiveBytes(rawEncode([0, 1, 'reverse', new Uint8Array([1, 2, 3])]))
    await vi.waitFor(() => expect(binary!.send).toHaveBeenCalledTimes(1))
    expect(rawDecode(binary!.send.mock.calls[0]![0] as Uint8Array)).toEqual([1, 1, null, new Uint8Array([3, 2, 1])])
    // The connection that offered nothing speaks the first dialect, JSON.
    plain!.open()
    plain!.onmessage?.({ data: call(2, 'echo', [9]) })
    await vi.waitFor(() => expect(sentFrames(plain!.send)).toEqual([{ jsonrpc: '2.0', id: 2, result: [9] }]))
    await server.close()
  })

  it('answers 400 to an upgrade Deno refuses, and gives its place back', async () => {
    const deno = fakeDeno()
    const server = createDenoServer({ port: 0, maxConnectionsPerAddress: 1 })
    await server.ready
    const noKey = new Request('http://127.0.0.1:8080/', { headers: { host: '127.0.0.1:8080', upgrade: 'websocket' } })
    expect((await deno.request(noKey)).status).toBe(400)
    expect(await (await deno.request(upgradeRequest())).text()).toBe('upgraded')
    expect((await deno.request(upgradeRequest())).status).toBe(429)
    await server.close()
  })

  it('cuts a reader too slow at once, though Deno only starts a closing handshake that the peer never finishes', async () => {
    const deno = fakeDeno({ answers: false })
    const server = createDenoServer({ port: 0, maxBufferedAmount: 1000, methods: { echo: (params) => params } })
    await server.ready
    await deno.request(upgradeRequest())
    const [ws] = deno.sockets
    ws!.open()
    ws!.onmessage?.({ data: call(1, 'echo', [1]) })
    await vi.waitFor(() => expect(ws!.send).toHaveBeenCalledTimes(1))
    ws!.bufferedAmount = 1001
    server.broadcast('news', ['more'])
    expect(ws!.close).toHaveBeenCalledWith(1001, 'Going away')
    expect(server.stats).toMatchObject({ dropped: 1, connections: 0 })
    // Deno's close event, whenever it comes, is not told twice.
    ws!.onclose?.({ code: 1006, reason: '' })
    expect(server.stats).toMatchObject({ dropped: 1, connections: 0 })
    await server.close()
  })
})

/**
 * A Bun ServerWebSocket for the socket `server.upgrade` attached as `data`. `wire` is what reached
 * the network, in order: each cork's frames as one write, a frame sent uncorked alone, a close.
 */
function bunSocket(data: unknown, sendResult = 1) {
  const wire: (string[] | string)[] = []
  let corked: string[] | undefined
  const ws = {
    data,
    readyState: 1,
    wire,
    send: vi.fn((text: string) => {
      if (corked) corked.push(text)
      else wire.push([text])
      return sendResult
    }),
    close: vi.fn((code?: number) => void wire.push(`close ${code}`)),
    terminate: vi.fn(),
    ping: vi.fn(),
    getBufferedAmount: () => 0,
    cork(callback: () => void) {
      corked = []
      callback()
      wire.push(corked)
      corked = undefined
    },
  } satisfies BunServerWebSocket & { wire: unknown }
  return ws
}

function fakeBun(upgrades = true) {
  const attached: unknown[] = []
  let options: Parameters<BunRuntime['serve']>[0] | undefined
  const headers: (Record<string, string> | undefined)[] = []
  const served: BunServer = {
    upgrade(_request, upgrade) {
      if (!upgrades) return false
      attached.push(upgrade.data)
      headers.push(upgrade.headers)
      return true
    },
    requestIP: () => ({ address: '10.0.0.1' }),
    port: 5432,
    stop: vi.fn(),
  }
  const bun: BunRuntime = {
    serve(serveOptions) {
      options = serveOptions
      return served
    },
  }
  vi.stubGlobal('Bun', bun)
  const websocket = (): BunWebSocketHandler => options!.websocket
  const request = (raw: Request) => Promise.resolve(options!.fetch(raw, served))
  return { attached, headers, served, websocket, request }
}

/** A Bun server on the stand-in with one socket open that has called `echo` (its answer on its way). */
async function bunServing(options: SharedServerOptions<unknown, Contract, WebUpgradeRequest> = {}, sendResult = 1) {
  const bun = fakeBun()
  const server = createBunServer({ port: 0, methods: { echo: (params) => params }, ...options })
  await server.ready
  await bun.request(upgradeRequest())
  const ws = bunSocket(bun.attached[0], sendResult)
  bun.websocket().open(ws)
  bun.websocket().message(ws, call(1, 'echo', [1]))
  return { bun, server, ws }
}

describe('lifeline-ws/server/bun on a stand-in Bun', () => {
  it("serves upgrades on a Bun.serve of its own, with lifeline's limits on its websocket handlers", async () => {
    const bun = fakeBun()
    const server = createBunServer({ port: 0, maxPayload: 4096, methods: { echo: (params) => params } })
    await server.ready
    expect(server.port).toBe(5432)
    expect(bun.websocket()).toMatchObject({ maxPayloadLength: 4096, closeOnBackpressureLimit: false, idleTimeout: 0, sendPings: false, perMessageDeflate: false })
    expect(server.websocket).toBe(bun.websocket())
    expect((await bun.request(new Request('http://127.0.0.1:8080/elsewhere')))?.status).toBe(426)
    expect(await bun.request(upgradeRequest())).toBeUndefined()
    const ws = bunSocket(bun.attached[0])
    bun.websocket().open(ws)
    bun.websocket().message(ws, call(7, 'echo', { a: 1 }))
    await vi.waitFor(() => expect(sentFrames(ws.send)).toEqual([{ jsonrpc: '2.0', id: 7, result: { a: 1 } }]))
    bun.websocket().close(ws, 1000, '')
    expect(server.stats.connections).toBe(0)
    const closing = server.close()
    expect(bun.served.stop).toHaveBeenCalledWith(false)
    await closing
    expect(bun.served.stop).toHaveBeenLastCalledWith(true)
  })

  it('agrees lifeline.msgpack when offered (its response header), and answers a binary call in MessagePack', async () => {
    const bun = fakeBun()
    const server = createBunServer({ port: 0, protocol: [jsonRpc(), msgpack()], methods: { reverse: (params) => Uint8Array.from(params as Uint8Array).reverse() } })
    await server.ready
    await bun.request(upgradeRequest('/', { 'sec-websocket-protocol': 'lifeline.msgpack' }))
    await bun.request(upgradeRequest())
    expect(bun.headers).toEqual([{ 'Sec-WebSocket-Protocol': 'lifeline.msgpack' }, undefined])
    const ws = bunSocket(bun.attached[0])
    bun.websocket().open(ws)
    bun.websocket().message(ws, Buffer.from(rawEncode([0, 1, 'reverse', new Uint8Array([1, 2])])))
    await vi.waitFor(() => expect(ws.send).toHaveBeenCalledTimes(1))
    expect(rawDecode(ws.send.mock.calls[0]![0] as unknown as Uint8Array)).toEqual([1, 1, null, new Uint8Array([2, 1])])
    for (const attached of bun.attached) {
      const socket = bunSocket(attached)
      if (attached !== bun.attached[0]) bun.websocket().open(socket)
      bun.websocket().close(socket, 1000, '')
    }
    await server.close()
  })

  it('cuts the socket when Bun drops a frame (send() returns 0), so no frame is lost on a socket that stays up', async () => {
    const { bun, server, ws } = await bunServing({}, 0)
    await vi.waitFor(() => expect(ws.terminate).toHaveBeenCalledTimes(1))
    // What Bun reports of a socket it cut.
    bun.websocket().close(ws, 1006, '')
    expect(server.stats).toMatchObject({ malformed: 0, connections: 0 })
    await server.close()
  })

  it('writes the frames of one turn in one cork, in order, and what was written before a close before it', async () => {
    const { bun, server, ws } = await bunServing()
    await vi.waitFor(() => expect(ws.wire).toHaveLength(1))
    for (const n of [1, 2, 3]) server.broadcast('tick', [n])
    expect(ws.wire).toHaveLength(1)
    await Promise.resolve()
    expect(ws.wire.slice(1).map((write) => (write as string[]).map((text) => (JSON.parse(text) as { params: number[] }).params[0]))).toEqual([[1, 2, 3]])
    server.broadcast('last', [4])
    const closing = server.close()
    bun.websocket().close(ws, 1012, '')
    await closing
    expect(ws.wire.slice(2)).toEqual([[expect.stringContaining('"last"')], 'close 1012'])
  })

  it('counts the frames of this turn, not yet handed to Bun, toward maxBufferedAmount', async () => {
    const { bun, server, ws } = await bunServing({ maxBufferedAmount: 100 })
    await vi.waitFor(() => expect(ws.wire).toHaveLength(1))
    server.broadcast('big', ['x'.repeat(200)])
    server.broadcast('big', ['x'.repeat(200)])
    expect(ws.terminate).toHaveBeenCalledTimes(1)
    await Promise.resolve()
    // Cut: what was pending is dropped with the socket (the session resends it).
    expect(ws.wire).toHaveLength(1)
    bun.websocket().close(ws, 1006, '')
    expect(server.stats).toMatchObject({ dropped: 1, connections: 0 })
    await server.close()
  })

  it('counts a socket Bun closed for an oversize frame as malformed; closes a socket that is not lifeline\'s with 1011', async () => {
    const bun = fakeBun()
    const server = createBunServer({ port: 0 })
    await server.ready
    await bun.request(upgradeRequest())
    const ws = bunSocket(bun.attached[0])
    bun.websocket().open(ws)
    bun.websocket().close(ws, 1006, 'Received too big message')
    expect(server.stats).toMatchObject({ malformed: 1, connections: 0 })
    const foreign = bunSocket({ app: 'chat' })
    bun.websocket().open(foreign)
    expect(foreign.close).toHaveBeenCalledWith(1011, 'Not a lifeline socket')
    await server.close()
  })

  it('answers 400 to an upgrade Bun refuses, and gives its place back', async () => {
    const bun = fakeBun(false)
    const server = createBunServer({ port: 0, maxConnectionsPerAddress: 1 })
    await server.ready
    expect((await bun.request(upgradeRequest()))?.status).toBe(400)
    expect((await bun.request(upgradeRequest()))?.status).toBe(400)
    await server.close()
  })

  it('in noServer mode listens nowhere and leaves requests that are not its upgrades to the app', async () => {
    const bun = fakeBun()
    const server = createBunServer({ noServer: true, path: '/ws' })
    await server.ready
    expect(server.port).toBeUndefined()
    expect(server.handleUpgrade(upgradeRequest('/other'), bun.served)).toBeUndefined()
    expect(server.handleUpgrade(new Request('http://127.0.0.1:8080/ws'), bun.served)).toBeUndefined()
    expect(await server.handleUpgrade(upgradeRequest('/ws'), bun.served)).toBeUndefined()
    expect(bun.attached).toHaveLength(1)
    await server.close()
  })
})
