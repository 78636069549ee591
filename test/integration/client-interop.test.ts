/**
 * The whole client against an independent JSON-RPC 2.0 server (npm
 * `json-rpc-2.0`) on `ws`: calls, errors, notifications both ways and the
 * heartbeat, which that server answers with -32601 (an answer all the same).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import WebSocket, { WebSocketServer } from 'ws'
import type { AddressInfo } from 'node:net'
import { JSONRPCErrorException, JSONRPCServer } from 'json-rpc-2.0'
import { createClient, isRpcError, type Client, type WebSocketConstructor } from '../../src/index'
import { patient } from '../helpers/wait'


interface Api {
  methods: { sum: (p: number[]) => number; forbidden: () => never; shout: (p: { text: string }) => void }
  events: { shouted: { text: string } }
}

let wss: WebSocketServer
let client: Client<Api>
const frames: string[] = []

beforeAll(async () => {
  wss = new WebSocketServer({ host: '127.0.0.1', port: 0 })
  wss.on('connection', (ws) => {
    const server = new JSONRPCServer({ errorListener: () => {} })
    server.addMethod('sum', (p) => (p as number[]).reduce((a, b) => a + b, 0))
    server.addMethod('forbidden', () => {
      throw new JSONRPCErrorException('forbidden', 403, { need: 'admin' })
    })
    server.addMethod('shout', (p) => void ws.send(JSON.stringify({ jsonrpc: '2.0', method: 'shouted', params: p })))
    ws.on('message', (data) => {
      frames.push(String(data))
      void server.receiveJSON(String(data)).then((reply) => {
        if (reply) ws.send(JSON.stringify(reply))
      })
    })
  })
  await new Promise((resolve) => wss.once('listening', resolve))
  client = createClient<Api>(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, {
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    heartbeat: { interval: 100, timeout: 2000 },
  })
  await client.ready()
})

afterAll(async () => {
  client.close()
  await new Promise((resolve) => wss.close(resolve))
})

describe('createClient against json-rpc-2.0', () => {
  it('calls and infers results', async () => {
    await expect(client.call('sum', [1, 2, 3])).resolves.toBe(6)
  })

  it('rejects with the server’s error object', async () => {
    const err = await client.call('forbidden').catch((e: unknown) => e)
    expect(isRpcError(err)).toBe(true)
    expect(err).toMatchObject({ code: 403, message: 'forbidden', data: { need: 'admin' } })
  })

  it('sends notifications and receives the server’s', async () => {
    const heard: string[] = []
    client.listen('shouted', ({ text }) => heard.push(text))
    client.notify('shout', { text: 'hi' })
    await vi.waitFor(() => expect(heard.length).toBe(1), patient)
    expect(heard).toEqual(['hi'])
  })

  it('keeps the connection alive: the heartbeat’s -32601 answers count as life', async () => {
    const errors: unknown[] = []
    client.on('error', (e) => errors.push(e))
    await vi.waitFor(() => expect(frames.filter((f) => f.includes('rpc.ping')).length).toBeGreaterThanOrEqual(3), patient)
    expect(client.state).toBe('open')
    expect(errors).toEqual([])
  })

  it('is declined a session (-32601) and carries on as a plain client, after a reconnect too', async () => {
    // The first frame offers a session; this server does not know the method.
    expect(JSON.parse(frames[0]!)).toMatchObject({ method: 'rpc.session' })
    client.reconnect()
    await client.ready()
    await expect(client.call('sum', [2, 2])).resolves.toBe(4)
    // Declined once, never offered again on this client (docs/offline-queue.md, "Without sessions").
    expect(frames.filter((f) => f.includes('"rpc.session"'))).toHaveLength(1)
    // Without a session nothing is counted, so nothing is acknowledged.
    expect(frames.some((f) => f.includes('rpc.ack'))).toBe(false)
  })
})
