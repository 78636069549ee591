/**
 * Interop with an independent JSON-RPC 2.0 implementation (npm `json-rpc-2.0`)
 * over a real `ws` server: our encode/decode and pending-call table must speak
 * the spec, not just agree with our own server.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { WebSocket, WebSocketServer } from 'ws'
import type { AddressInfo } from 'node:net'
import { JSONRPCClient, JSONRPCErrorException, JSONRPCServer, JSONRPCServerAndClient } from 'json-rpc-2.0'
import { isRpcError, type RpcError } from '../../src/errors'
import { jsonRpc, MethodNotFound, ParseError } from '../../src/protocol/json-rpc'
import type { Decoded, Message } from '../../src/protocol/protocol'
import { createCalls } from '../../src/client/calls'
import { createHandlers } from '../../src/client/handlers'
import { systemClock } from '../../src/timers'
import { patient } from '../helpers/wait'

const rpc = jsonRpc()
let wss: WebSocketServer
let url: string
/** Notifications the independent server received, by method. */
const heard: { method: string; params: unknown }[] = []
/** The independent peer of the most recent connection, to make it call or notify us. */
let peer: JSONRPCServerAndClient

beforeAll(async () => {
  wss = new WebSocketServer({ host: '127.0.0.1', port: 0 })
  wss.on('connection', (ws) => {
    const server = new JSONRPCServer({ errorListener: () => {} })
    server.addMethod('sum', (params) => (params as number[]).reduce((a, b) => a + b, 0))
    server.addMethod('echo', (params) => params)
    server.addMethod('forbidden', () => {
      throw new JSONRPCErrorException('forbidden', 403, { need: 'admin' })
    })
    server.addMethod('shout', (params) => {
      heard.push({ method: 'shout', params })
    })
    // Makes the library's own client push a notification back to us.
    server.addMethod('poke', (params) => {
      peer.notify('poked', params, undefined)
      return 'ok'
    })
    peer = new JSONRPCServerAndClient(server, new JSONRPCClient((payload) => ws.send(JSON.stringify(payload))))
    ws.on('message', (data) => {
      const text = data.toString()
      // receiveAndSend does not answer frames that are not JSON, so that one case goes through receiveJSON.
      if (text.startsWith('!')) void server.receiveJSON(text).then((res) => ws.send(JSON.stringify(res)))
      else void peer.receiveAndSend(JSON.parse(text), undefined, undefined)
    })
  })
  await new Promise((resolve) => wss.once('listening', resolve))
  url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`
})

afterAll(async () => {
  await new Promise((resolve) => wss.close(resolve))
})

/** Our side: a ws client driven by jsonRpc() and createCalls(), as the lifeline client wires them. */
async function connect() {
  const ws = new WebSocket(url)
  const calls = createCalls(systemClock, { gone: () => {}, queued: () => false, methodNotFound: MethodNotFound })
  const notifications: Message[] = []
  const unknown: Decoded[] = []
  const handlers = createHandlers((m) => ws.send(rpc.encode(m)), (err) => {
    throw err
  }, rpc.codes)
  handlers.handle('client.version', () => '1.2.3')
  ws.on('message', (data) => {
    for (const m of rpc.decode(data.toString())) {
      if (m.type === 'request') handlers.request(m)
      else if (m.type === 'notification') notifications.push(m)
      else if (m.type === 'invalid' || !calls.settle(m)) unknown.push(m)
    }
  })
  await new Promise((resolve, reject) => {
    ws.once('open', resolve)
    ws.once('error', reject)
  })
  const call = (method: string, params?: unknown) => {
    const id = calls.id()
    const frame = rpc.encode({ type: 'request', id, method, params })
    const promise = calls.add(id, { timeout: 10_000, resend: false, frame })
    ws.send(frame)
    return promise
  }
  return { ws, calls, call, notifications, unknown }
}

let open: WebSocket[] = []
afterEach(() => {
  for (const ws of open) ws.close()
  open = []
  heard.length = 0
})
async function client() {
  const c = await connect()
  open.push(c.ws)
  return c
}

describe('interop with json-rpc-2.0 over ws', () => {
  it('calls a method and gets its result', async () => {
    const { call, calls } = await client()
    expect(await call('sum', [1, 2, 39])).toBe(42)
    expect(await call('echo', { nested: { a: [1, 'two'] } })).toEqual({ nested: { a: [1, 'two'] } })
    expect(calls.ids().length).toBe(0)
  })

  it('rejects an unknown method with RpcError -32601', async () => {
    const { call } = await client()
    const err = (await call('missing', []).catch((e: unknown) => e)) as RpcError
    expect(isRpcError(err)).toBe(true)
    expect(err.code).toBe(MethodNotFound)
  })

  it('rejects with a custom error code, message and data', async () => {
    const { call } = await client()
    const err = (await call('forbidden', {}).catch((e: unknown) => e)) as RpcError
    expect(isRpcError(err)).toBe(true)
    expect(err).toMatchObject({ code: 403, message: 'forbidden', data: { need: 'admin' } })
  })

  it('sends notifications, which get no response, and receives the peer’s notifications', async () => {
    const { ws, call, notifications, unknown } = await client()
    ws.send(rpc.encode({ type: 'notification', method: 'shout', params: { text: 'hi' } }))
    await vi.waitFor(() => expect(heard.length).toBe(1), patient)
    expect(heard).toEqual([{ method: 'shout', params: { text: 'hi' } }])
    expect(await call('poke', { n: 1 })).toBe('ok')
    await vi.waitFor(() => expect(notifications.length).toBe(1), patient)
    expect(notifications).toEqual([{ type: 'notification', method: 'poked', params: { n: 1 } }])
    expect(unknown).toEqual([])
  })

  it('sends a batch and settles every call from the batch response', async () => {
    const { ws, calls } = await client()
    const ids = [calls.id(), calls.id(), calls.id()]
    const batch: Message[] = [
      { type: 'request', id: ids[0]!, method: 'sum', params: [1, 1] },
      { type: 'notification', method: 'shout', params: ['batch'] },
      { type: 'request', id: ids[1]!, method: 'missing' },
      { type: 'request', id: ids[2]!, method: 'echo', params: ['x'] },
    ]
    const frame = rpc.encode(batch)
    const results = [ids[0]!, ids[1]!, ids[2]!].map((id) =>
      calls.add(id, { timeout: 10_000, resend: false, frame }).then((v) => v, (e: RpcError) => e.code))
    ws.send(frame)
    expect(await Promise.all(results)).toEqual([2, MethodNotFound, ['x']])
    await vi.waitFor(() => expect(heard.length).toBe(1), patient)
  })

  it('answers the peer’s requests with our handlers', async () => {
    await client()
    expect(await peer.request('client.version', {}, undefined)).toBe('1.2.3')
    await expect(peer.request('client.unknown', {}, undefined)).rejects.toMatchObject({ code: MethodNotFound })
  })

  it('decodes the peer’s parse error (id null), which matches no call', async () => {
    const { ws, unknown } = await client()
    ws.send('!not json')
    await vi.waitFor(() => expect(unknown.length).toBe(1), patient)
    expect(unknown[0]).toMatchObject({ type: 'error', id: null, error: { code: ParseError } })
  })
})
