// connect.mode "jwt": a token verified in the gateway with jose (HS256 secret or a PEM public key),
// from `?token=` or `Authorization: Bearer`; the backend is never asked who connects.
import { generateKeyPairSync } from 'node:crypto'
import { SignJWT } from 'jose'
import WebSocket from 'ws'
import { describe, expect, it } from 'vitest'
import { client } from '../server/client-helper'
import { fakeBackend, gatewayFor } from './harness'
import type { CloseInfo, WebSocketConstructor } from '../../../src/index'

const secret = 'a-jwt-secret-of-some-length-0123'
const hs256 = (claims: Record<string, unknown>, expires = '1h', key = secret) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime(expires).sign(new TextEncoder().encode(key))
const closed = (c: ReturnType<typeof client>) => new Promise<CloseInfo>((resolve) => c.on('close', (info) => resolve(info)))

describe('JWT connect', () => {
  it('accepts a valid HS256 token from the query: sub is the user, the topics claim their topics, and calls carry the user', async () => {
    const backend = await fakeBackend()
    const { url } = await gatewayFor(backend, { connect: { mode: 'jwt', topicsClaim: 'rooms' }, methods: { whoami: {} } }, { jwtSecret: secret })
    const token = await hs256({ sub: 'zoe', rooms: ['room:1'] })
    const c = client(`${url}?token=${token}`)
    await c.call('whoami', {})
    await expect(c.subscribe('room:1', () => {}).ready).resolves.toBeUndefined()
    await expect(c.subscribe('room:2', () => {}).ready).rejects.toMatchObject({ code: 403 })
    expect(backend.received.map((request) => [request.path, request.body.user])).toEqual([['/lifeline/rpc/whoami', 'zoe']])
  })

  it('refuses a missing, expired, forged or subject-less token with 4401 and a reason that says which', async () => {
    const backend = await fakeBackend()
    const { url } = await gatewayFor(backend, { connect: { mode: 'jwt' } }, { jwtSecret: secret })
    const cases = {
      missing: url,
      expired: `${url}?token=${await hs256({ sub: 'zoe' }, '-1m')}`,
      forged: `${url}?token=${await hs256({ sub: 'zoe' }, '1h', 'another-secret-entirely-0123456')}`,
      anonymous: `${url}?token=${await hs256({ name: 'zoe' })}`,
    }
    const closes = await Promise.all(Object.values(cases).map((address) => closed(client(address))))
    expect(closes.map(({ code, reason }) => [code, reason])).toEqual([
      [4401, 'Missing token'],
      [4401, 'Token expired'],
      [4401, 'Invalid token'],
      [4401, 'Invalid token: sub must be a non-empty string'],
    ])
  })

  it('verifies an ES256 token from the Authorization header with a PEM public key, and checks issuer and audience', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString()
    const backend = await fakeBackend()
    const { url } = await gatewayFor(backend, { connect: { mode: 'jwt', issuer: 'https://auth.example', audience: 'chat' } }, { jwtPublicKey: pem })
    const sign = (issuer: string) => new SignJWT({ sub: 'yan' }).setProtectedHeader({ alg: 'ES256' }).setIssuer(issuer).setAudience('chat').setExpirationTime('1h').sign(privateKey)
    const WebSocketWith = (token: string) => {
      const headers = { authorization: `Bearer ${token}` }
      return class extends WebSocket {
        constructor(address: string | URL, protocols?: string | string[]) {
          super(address, protocols, { headers })
        }
      } as unknown as WebSocketConstructor
    }
    const good = client(url, { WebSocket: WebSocketWith(await sign('https://auth.example')) })
    await good.ready()
    const wrongIssuer = client(url, { WebSocket: WebSocketWith(await sign('https://evil.example')) })
    expect(await closed(wrongIssuer)).toMatchObject({ code: 4401, reason: 'Invalid token' })
  })
})
