// The gateway's proxies in process, against a scripted Node backend: what the connect proxy sends
// and how each backend answer becomes an accepted socket, a 4401/4403 close or a 503 the client
// retries; the RPC proxy's answers, errors, timeouts and retries; topics by the user's patterns.
import WebSocket from 'ws'
import { describe, expect, it, vi } from 'vitest'
import { client } from '../server/client-helper'
import { open, refusedWith } from '../server/helpers'
import { sessionClient } from '../server/session-client'
import { patient } from '../../helpers/wait'
import { fakeBackend, gatewayFor, type Received } from './harness'
import type { CloseInfo, WebSocketConstructor } from '../../../src/index'

const closed = (c: ReturnType<typeof client>) => new Promise<CloseInfo>((resolve) => c.on('close', (info) => resolve(info)))
const rpcs = (received: Received[], method: string) => received.filter((request) => request.path === `/lifeline/rpc/${method}`)

/** A WebSocket constructor sending these headers with the upgrade. */
const withHeaders = (headers: Record<string, string>) =>
  class extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, { headers })
    }
  } as unknown as WebSocketConstructor

describe('connect proxy', () => {
  it('sends the upgrade’s Cookie and Authorization, the URL, origin and address, and the gateway token', async () => {
    const backend = await fakeBackend()
    const { url } = await gatewayFor(backend, { allowedOrigins: ['https://app.example'] }, { backendToken: 'shared-secret' })
    const c = client(`${url}?room=7`, { WebSocket: withHeaders({ cookie: 'session=abc', authorization: 'Bearer xyz', origin: 'https://app.example' }) })
    await c.ready()
    const [connect] = backend.received
    expect(connect).toMatchObject({
      path: '/lifeline/connect',
      headers: { cookie: 'session=abc', authorization: 'Bearer xyz', 'lifeline-gateway-token': 'shared-secret' },
      body: { url: '/ws?room=7', origin: 'https://app.example', address: '127.0.0.1' },
    })
  })

  it('closes with 4401 or 4403 and the reason the backend gave as JSON or text', async () => {
    const backend = await fakeBackend()
    backend.on('/lifeline/connect', ({ headers }) => (headers.cookie === 'json' ? { status: 403, body: { reason: 'Banned until Monday' } } : { status: 401, text: 'Session expired' }))
    const { url } = await gatewayFor(backend)
    const banned = client(url, { WebSocket: withHeaders({ cookie: 'json' }) })
    const expired = client(url, { WebSocket: withHeaders({ cookie: 'text' }) })
    expect(await closed(banned)).toMatchObject({ code: 4403, reason: 'Banned until Monday' })
    expect(await closed(expired)).toMatchObject({ code: 4401, reason: 'Session expired' })
  })

  it('answers the upgrade with 503 when the backend is down, errs or answers nonsense, and the client keeps retrying', async () => {
    const backend = await fakeBackend()
    let answer: { status?: number; body?: unknown; text?: string } = { status: 500, text: 'oops' }
    backend.on('/lifeline/connect', () => answer)
    const { url, lines } = await gatewayFor(backend)
    expect(await refusedWith(url)).toBe(503)
    answer = { status: 200, body: { user: '' } }
    expect(await refusedWith(url)).toBe(503)
    answer = { status: 200, body: { user: 'ann', topics: 'news' } }
    expect(await refusedWith(url)).toBe(503)
    const c = client(url)
    await vi.waitFor(() => expect(backend.received.length).toBeGreaterThanOrEqual(5), patient)
    expect(c.state).toBe('reconnecting')
    answer = { body: { user: 'ann' } }
    await c.ready()
    expect(lines.filter((line) => line.msg === 'connect: backend failed').length).toBeGreaterThanOrEqual(4)
  })

  it('answers 503 when the backend cannot be reached at all, or not in time', async () => {
    const down = await gatewayFor({ url: 'http://127.0.0.1:9' })
    expect(await refusedWith(down.url)).toBe(503)
    const backend = await fakeBackend()
    backend.on('/lifeline/connect', () => ({ delay: 500, body: { user: 'ann' } }))
    const slow = await gatewayFor(backend, { connect: { mode: 'proxy', timeout: 50 } })
    expect(await refusedWith(slow.url)).toBe(503)
  })

  // Before: the gateway asked the backend first and handed the upgrade to the server's door after,
  // so each upgrade of a flood from one address, and each from a foreign site's page, cost a
  // POST /lifeline/connect (31 here) before the door refused it.
  it('never asks the backend about an upgrade the door refuses: a flood from one address, a foreign origin', async () => {
    const backend = await fakeBackend()
    const { url, lines } = await gatewayFor(backend, { maxConnectionsPerAddress: 3 })
    const sockets: WebSocket[] = []
    const attempt = (headers: Record<string, string> = {}) =>
      new Promise<number | 'open'>((resolve) => {
        const socket = new WebSocket(url, { headers })
        sockets.push(socket)
        socket.on('error', () => {})
        socket.on('unexpected-response', (_request, response) => {
          response.resume()
          resolve(response.statusCode ?? 0)
        })
        socket.on('open', () => resolve('open'))
      })
    try {
      const foreign = attempt({ origin: 'https://evil.example' })
      const flood = await Promise.all(Array.from({ length: 30 }, () => attempt()))
      expect(await foreign).toBe(403)
      // The three that got in stay open, holding their address's places.
      expect(flood.filter((outcome) => outcome === 'open')).toHaveLength(3)
      expect(flood.filter((outcome) => outcome === 429)).toHaveLength(27)
      expect(backend.received.filter((request) => request.path === '/lifeline/connect')).toHaveLength(3)
      expect(lines.filter((line) => line.msg === 'connect refused')).toEqual([])
    } finally {
      for (const socket of sockets) socket.terminate()
    }
  })

  it('lets a user subscribe only to the topics the backend listed (names and prefix* patterns)', async () => {
    const backend = await fakeBackend()
    const { url } = await gatewayFor(backend)
    const c = client(url)
    await expect(c.subscribe('news', () => {}).ready).resolves.toBeUndefined()
    await expect(c.subscribe('room:42', () => {}).ready).resolves.toBeUndefined()
    await expect(c.subscribe('admin', () => {}).ready).rejects.toMatchObject({ code: 403 })
  })
})

describe('rpc proxy', () => {
  it('posts the user, info, client id, params and kind, and answers with the backend’s result', async () => {
    const backend = await fakeBackend()
    backend.on('/lifeline/connect', () => ({ body: { user: 'ann', info: { plan: 'pro' } } }))
    backend.on('/lifeline/rpc/sum', ({ body }) => ({ body: { result: (body.params as number[]).reduce((a, b) => a + b, 0) } }))
    const { url } = await gatewayFor(backend, { methods: { sum: {} } })
    const c = client(url)
    expect(await c.call('sum', [1, 2, 3])).toBe(6)
    expect(rpcs(backend.received, 'sum')[0]!.body).toEqual({ user: 'ann', info: { plan: 'pro' }, client: expect.any(String), params: [1, 2, 3], notification: false })
  })

  it('passes an error answer through with its code, message and data, whatever the status', async () => {
    const backend = await fakeBackend()
    backend.on('/lifeline/rpc/pay', () => ({ status: 402, body: { error: { code: 4020, message: 'Card declined', data: { retryIn: 60 } } } }))
    const { url } = await gatewayFor(backend, { methods: { pay: {} } })
    await expect(client(url).call('pay', {})).rejects.toMatchObject({ name: 'RpcError', code: 4020, message: 'Card declined', data: { retryIn: 60 } })
  })

  it('turns an answer that is neither { result } nor { error } into -32010, and a slow one into -32011', async () => {
    const backend = await fakeBackend()
    backend.on('/lifeline/rpc/html', () => ({ text: '<h1>Bad gateway</h1>' }))
    backend.on('/lifeline/rpc/empty', () => ({ body: {} }))
    backend.on('/lifeline/rpc/late', () => ({ delay: 400, body: { result: 1 } }))
    const { url, gateway } = await gatewayFor(backend, { methods: { html: {}, empty: {}, late: { timeout: 50 } } })
    const c = client(url)
    await expect(c.call('html')).rejects.toMatchObject({ code: -32010, message: 'Backend unavailable' })
    await expect(c.call('empty')).rejects.toMatchObject({ code: -32010 })
    await expect(c.call('late')).rejects.toMatchObject({ code: -32011, message: 'Backend timeout' })
    expect(gateway.server.stats.errors).toBe(3)
  })

  it('does not retry a call that may not run twice, even when the backend is passing trouble', async () => {
    const backend = await fakeBackend()
    backend.on('/lifeline/rpc/send', () => ({ status: 503, text: 'busy' }))
    const { url } = await gatewayFor(backend, { methods: { send: { retries: 3 } } })
    await expect(client(url).call('send', {})).rejects.toMatchObject({ code: -32010 })
    expect(rpcs(backend.received, 'send')).toHaveLength(1)
  })

  it('retries an idempotent method on 502/503/504 and timeouts, up to its retries', async () => {
    const backend = await fakeBackend()
    let attempts = 0
    backend.on('/lifeline/rpc/read', () => {
      attempts++
      if (attempts === 1) return { status: 503, text: 'busy' }
      if (attempts === 2) return { delay: 300, body: { result: 'too late' } }
      return { body: { result: 'fresh' } }
    })
    backend.on('/lifeline/rpc/flaky', () => ({ status: 502, text: 'no' }))
    const { url } = await gatewayFor(backend, { methods: { read: { idempotent: true, retries: 2, timeout: 100 }, flaky: { idempotent: true, retries: 2 } } })
    const c = client(url)
    expect(await c.call('read')).toBe('fresh')
    await expect(c.call('flaky')).rejects.toMatchObject({ code: -32010 })
    expect(rpcs(backend.received, 'flaky')).toHaveLength(3)
  })

  it('gives a keyed call an Idempotency-Key of its session, and retries it with the same key', async () => {
    const backend = await fakeBackend()
    let attempts = 0
    backend.on('/lifeline/rpc/send', () => (++attempts < 2 ? { status: 504, text: '' } : { body: { result: 'sent' } }))
    const { url } = await gatewayFor(backend, { methods: { send: {} } })
    const session = sessionClient(url)
    const { id } = await session.open()
    session.send({ jsonrpc: '2.0', id: 101, method: 'send', params: {}, once: ['tab-1', 7] })
    await vi.waitFor(() => expect(session.tracked).toContainEqual(expect.objectContaining({ id: 101, result: 'sent' })), patient)
    const keys = rpcs(backend.received, 'send').map((request) => request.headers['idempotency-key'])
    expect(keys).toEqual([`${id}:tab-1:7`, `${id}:tab-1:7`])
  })

  it('forwards a notification once, marked as such, and keeps a refusal to the logs', async () => {
    const backend = await fakeBackend()
    backend.on('/lifeline/rpc/typing', () => ({ status: 204 }))
    backend.on('/lifeline/rpc/spam', () => ({ body: { error: { code: 429, message: 'Slow down' } } }))
    const { url, lines } = await gatewayFor(backend, { methods: { typing: {}, spam: {} } })
    const c = client(url)
    await c.ready()
    void c.notify('typing', { on: true })
    void c.notify('spam', {})
    await vi.waitFor(() => expect(lines).toContainEqual(expect.objectContaining({ msg: 'backend refused a notification', method: 'spam', code: 429 })), patient)
    expect(rpcs(backend.received, 'typing').map((request) => request.body)).toEqual([expect.objectContaining({ notification: true, params: { on: true } })])
  })

  it('answers a method outside the allowlist with -32601 and never asks the backend', async () => {
    const backend = await fakeBackend()
    const { url } = await gatewayFor(backend, { methods: { allowed: {} } })
    await expect(client(url).call('secret', {})).rejects.toMatchObject({ code: -32601 })
    expect(backend.received.map((request) => request.path)).toEqual(['/lifeline/connect'])
  })
})

describe('raw sockets', () => {
  it('a non-upgrade request to the WebSocket path is told 426, any other path 404', async () => {
    const backend = await fakeBackend()
    const { http } = await gatewayFor(backend)
    expect((await fetch(`${http}/ws`)).status).toBe(426)
    expect((await fetch(`${http}/nothing`)).status).toBe(404)
    expect(await refusedWith(http.replace('http', 'ws') + '/elsewhere')).toBe(404)
    const peer = await open(`${http.replace('http', 'ws')}/ws`)
    expect(await peer.call('rpc.ping')).toMatchObject({ result: 'pong' })
  })
})
