// The door of the Deno and Bun transports, in Node on web Requests (Node has the same classes):
// the order of its checks (what is refused never reaches authenticate), each refusal's status,
// the handshake deadline on a manual clock, the request the core sees, and places per address
// given back. The transports around it run in Deno and Bun: `npm run test:runtimes`.
import { describe, expect, it, vi } from 'vitest'
import type { ServerOptions } from '../../../src/server/options'
import { resolveServerOptions } from '../../../src/server/resolve-options'
import type { TransportHost } from '../../../src/server/transport/transport'
import { createWebDoor, toUpgradeRequest, type Admitted } from '../../../src/server/transport/web-door'
import { manualClock } from '../../helpers/manual-clock'

/** An upgrade request as Deno and Bun hand it over (with its Host, which a Request made in Node lacks). */
const upgrade = (path = '/ws', headers: Record<string, string> = {}) =>
  new Request(`http://127.0.0.1:8080${path}`, { headers: { host: '127.0.0.1:8080', upgrade: 'websocket', connection: 'Upgrade', ...headers } })

/** A started door on `/ws` (`path: undefined`: on every path). */
function doorFor(options: Omit<ServerOptions, 'noServer' | 'port' | 'server' | 'host' | 'path'> & { path?: string | undefined } = {}) {
  const clock = manualClock()
  const resolved = resolveServerOptions({ noServer: true, path: '/ws', ...options } as ServerOptions, clock.clock)
  const door = createWebDoor(resolved.door, clock.clock)
  const counted = { rejected: 0, malformed: 0 }
  const reported: unknown[] = []
  const host: TransportHost<unknown> = {
    accept: () => ({ message() {}, pong() {}, closed() {} }),
    count: (counter) => void counted[counter]++,
    report: (err) => void reported.push(err),
  }
  door.start(host)
  return { door, clock, counted, reported, host }
}

async function admitted<Auth>(answer: Promise<Admitted<Auth> | Response>): Promise<Admitted<Auth>> {
  const value = await answer
  if (value instanceof Response) throw new Error(`refused with ${value.status}`)
  return value
}
const status = async (answer: Promise<unknown>) => ((await answer) as Response).status

describe('the web door: which requests are the transport\'s', () => {
  it('takes WebSocket upgrades to its path only; other requests are the app\'s', () => {
    const { door } = doorFor()
    expect(door.ours(upgrade('/ws?token=1'))).toBe(true)
    expect(door.ours(upgrade('/ws', { upgrade: 'WebSocket' }))).toBe(true)
    expect(door.ours(upgrade('/elsewhere'))).toBe(false)
    expect(door.ours(new Request('http://127.0.0.1:8080/ws'))).toBe(false)
    expect(doorFor({ path: undefined }).door.ours(upgrade('/any/path'))).toBe(true)
  })

  it('answers a plain request on a port of its own with 426 on its path and 404 elsewhere', async () => {
    const { door } = doorFor()
    expect(door.plain(new Request('http://127.0.0.1:8080/ws')).status).toBe(426)
    const elsewhere = door.plain(new Request('http://127.0.0.1:8080/'))
    expect([elsewhere.status, await elsewhere.text()]).toEqual([404, 'Not Found'])
  })
})

describe('the web door: its checks, in order', () => {
  it('refuses over maxConnectionsPerAddress with 429 before the origin and authenticate, and gives a place back once', async () => {
    const authenticate = vi.fn(() => 'user')
    const { door, counted } = doorFor({ maxConnectionsPerAddress: 2, authenticate })
    const first = await admitted(door.admit(upgrade(), '10.0.0.1'))
    await admitted(door.admit(upgrade(), '10.0.0.1'))
    expect(await status(door.admit(upgrade('/ws', { origin: 'https://evil.example' }), '10.0.0.1'))).toBe(429)
    expect(authenticate).toHaveBeenCalledTimes(2)
    // Another address has places of its own.
    await admitted(door.admit(upgrade(), '10.0.0.2'))
    first.release()
    first.release()
    await admitted(door.admit(upgrade(), '10.0.0.1'))
    expect(await status(door.admit(upgrade(), '10.0.0.1'))).toBe(429)
    expect(counted.rejected).toBe(2)
  })

  it('refuses a foreign origin with 403 before authenticate, reports it once, and frees its place', async () => {
    const authenticate = vi.fn(() => 'user')
    const { door, reported } = doorFor({ maxConnectionsPerAddress: 1, authenticate })
    expect(await status(door.admit(upgrade('/ws', { origin: 'https://evil.example' }), '10.0.0.1'))).toBe(403)
    expect(await status(door.admit(upgrade('/ws', { origin: 'https://evil.example' }), '10.0.0.1'))).toBe(403)
    expect(authenticate).not.toHaveBeenCalled()
    expect(reported.map((err) => (err as Error).message)).toEqual(['lifeline-ws/server: refused upgrade from origin https://evil.example; add it to allowedOrigins'])
    // Same-origin (the Host the request came to) is allowed, in the one place the address has.
    await admitted(door.admit(upgrade('/ws', { origin: 'http://127.0.0.1:8080' }), '10.0.0.1'))
  })

  it('gives authenticate the request every transport has: path and query, lowercased headers, the address, and the Request', async () => {
    const authenticate = vi.fn(() => 'user')
    const { door } = doorFor({ authenticate })
    const raw = upgrade('/ws?token=abc', { Cookie: 'session=1', 'X-Forwarded-For': '203.0.113.9' })
    const { request, verdict } = await admitted(door.admit(raw, '10.0.0.1'))
    expect(verdict).toEqual({ ok: true, auth: 'user' })
    expect(authenticate).toHaveBeenCalledWith(request)
    expect(request).toMatchObject({ url: '/ws?token=abc', socket: { remoteAddress: '10.0.0.1' }, raw })
    expect(request.headers).toMatchObject({ cookie: 'session=1', 'x-forwarded-for': '203.0.113.9', upgrade: 'websocket', host: '127.0.0.1:8080' })
  })

  it('counts by clientAddress, and by the peer when clientAddress throws', async () => {
    const { door } = doorFor({
      maxConnectionsPerAddress: 1,
      clientAddress: (request) => {
        const forwarded = request.headers['x-forwarded-for']
        if (typeof forwarded != 'string') throw new Error('no header')
        return forwarded
      },
    })
    await admitted(door.admit(upgrade('/ws', { 'x-forwarded-for': '203.0.113.9' }), '10.0.0.1'))
    await admitted(door.admit(upgrade('/ws', { 'x-forwarded-for': '203.0.113.10' }), '10.0.0.1'))
    await admitted(door.admit(upgrade(), '10.0.0.1'))
    expect(await status(door.admit(upgrade(), '10.0.0.1'))).toBe(429)
  })
})

describe('the web door: authenticate\'s verdicts', () => {
  it('lets a refusal through to be told with 4401/4403 once open, or answers it over HTTP with authRejection: http', async () => {
    const authenticate = (request: { url?: string | undefined }) => {
      if (request.url?.endsWith('banned')) throw Object.assign(new Error('Banned until Monday'), { status: 403 })
      return null
    }
    const close = doorFor({ authenticate })
    expect((await admitted(close.door.admit(upgrade('/ws?u=banned'), 'a'))).verdict).toEqual({ ok: false, status: 403, reason: 'Banned until Monday' })
    expect((await admitted(close.door.admit(upgrade('/ws?u=nobody'), 'a'))).verdict).toEqual({ ok: false, status: 401, reason: 'Unauthorized' })
    expect(close.counted.rejected).toBe(2)
    const http = doorFor({ authenticate, authRejection: 'http' })
    const refused = (await http.door.admit(upgrade('/ws?u=banned'), 'a')) as Response
    expect([refused.status, await refused.text()]).toEqual([403, 'Banned until Monday'])
    expect(await status(http.door.admit(upgrade('/ws?u=nobody'), 'a'))).toBe(401)
  })

  it('answers a 503 from authenticate over HTTP whatever authRejection says, and frees the place', async () => {
    for (const authRejection of ['close', 'http'] as const) {
      const { door, reported } = doorFor({
        authRejection,
        maxConnectionsPerAddress: 1,
        authenticate: () => {
          throw Object.assign(new Error('Identity service down'), { status: 503 })
        },
      })
      const refused = (await door.admit(upgrade(), 'a')) as Response
      expect([refused.status, await refused.text()]).toEqual([503, 'Identity service down'])
      expect(await status(door.admit(upgrade(), 'a'))).toBe(503)
      expect(reported).toEqual([])
    }
  })

  it('answers 503 to an authenticate still running at handshakeTimeout, and ignores its late answer', async () => {
    let answer: (value: string) => void = () => {}
    const { door, clock, counted } = doorFor({ handshakeTimeout: 500, maxConnectionsPerAddress: 1, authenticate: () => new Promise<string>((resolve) => (answer = resolve)) })
    const pending = door.admit(upgrade(), 'a')
    clock.advance(499)
    await Promise.resolve()
    clock.advance(1)
    expect(await status(pending)).toBe(503)
    answer('too late')
    expect(counted.rejected).toBe(1)
    // The place was given back: the next upgrade gets as far as authenticate again.
    const next = door.admit(upgrade(), 'a')
    answer('user')
    expect((await admitted(next)).verdict).toEqual({ ok: true, auth: 'user' })
  })

  it('refuses with 503 once stopped, also an upgrade whose authenticate was running', async () => {
    let answer: (value: string) => void = () => {}
    const { door } = doorFor({ maxConnectionsPerAddress: 1, authenticate: () => new Promise<string>((resolve) => (answer = resolve)) })
    const running = door.admit(upgrade(), 'a')
    door.stop()
    answer('user')
    expect(await status(running)).toBe(503)
    expect(await status(door.admit(upgrade(), 'b'))).toBe(503)
  })

  it('refuses with 503 before the transport started', async () => {
    const clock = manualClock()
    const door = createWebDoor(resolveServerOptions({ noServer: true }, clock.clock).door, clock.clock)
    expect(await status(door.admit(upgrade(), 'a'))).toBe(503)
  })
})

describe('toUpgradeRequest', () => {
  it('gives headers no prototype: a header named like an Object member reads as sent, and one not sent as undefined', () => {
    const request = toUpgradeRequest(new Request('http://x/ws', { headers: { __proto__: 'sent', 'to-string': 'y' } as never }), '::1')
    expect(request.headers.constructor).toBeUndefined()
    expect(request.headers.toString).toBeUndefined()
    expect(({} as Record<string, unknown>).sent).toBeUndefined()
    expect(request.socket.remoteAddress).toBe('::1')
  })
})
