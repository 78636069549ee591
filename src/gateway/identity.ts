/**
 * Who is connecting, decided at the upgrade: by asking the backend (`POST /lifeline/connect` with
 * the request's cookies and Authorization) or by verifying a JWT locally with `jose`. The answer is
 * a user, the topics they may subscribe to, and optional info forwarded with every call; or a
 * refusal (401/403 and the backend's reason). A backend that cannot answer is a
 * {@link BackendFailure}: the upgrade gets 503 and the client retries, rather than a 4401 that
 * would stop it for good.
 * @module
 */
import { createPublicKey, type KeyObject } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { errors as joseErrors, jwtVerify } from 'jose'
import { isRecord } from '../checks'
import { BackendFailure, type Backend } from './backend'
import type { ConnectConfig } from './config'
import type { Metrics } from './metrics'

/** What the gateway knows of a connected user: `ctx.auth` of its connections. */
export interface GatewayUser {
  /** The backend's id of the user; `/api/notify` and `/api/disconnect` find connections by it. */
  user: string
  /** Topic names or `prefix*` patterns the user may subscribe to. */
  topics: readonly string[]
  /** Whatever the backend attached (`info`), forwarded with each call. */
  info?: unknown
}

/** A decided upgrade. */
export type Identity = { ok: true; user: GatewayUser } | { ok: false; status: 401 | 403; reason: string }

/** Decides who an upgrade request is. Throws a {@link BackendFailure} when the backend cannot tell. */
export type Identify = (request: IncomingMessage) => Promise<Identity>

const isStrings = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item == 'string')

/** True when `topic` is one of `allowed`: an exact name, or a pattern ending in `*` that matches by prefix. */
export function topicAllowed(topic: string, allowed: readonly string[]): boolean {
  return allowed.some((pattern) => (pattern.endsWith('*') ? topic.startsWith(pattern.slice(0, -1)) : topic === pattern))
}

/** Check a user description (the backend's answer, or a JWT's claims) and keep what the gateway uses. */
function userFrom(source: Record<string, unknown>, userKey: string, topicsKey: string): GatewayUser | string {
  const user = source[userKey]
  if (typeof user != 'string' || !user) return `${userKey} must be a non-empty string`
  const topics = source[topicsKey] ?? []
  if (!isStrings(topics)) return `${topicsKey} must be an array of strings`
  const described: GatewayUser = { user, topics }
  if (source.info !== undefined) described.info = source.info
  return described
}

/** The refusal's reason: `{ reason }` in JSON, or a plain text body, else the status's own words. */
function reasonOf(body: unknown, status: 401 | 403): string {
  if (isRecord(body) && typeof body.reason == 'string' && body.reason) return body.reason
  if (typeof body == 'string' && body.trim()) return body.trim()
  return status === 401 ? 'Unauthorized' : 'Forbidden'
}

/** Ask the backend: `POST /lifeline/connect` with the upgrade's Cookie and Authorization headers. */
export function proxyIdentify(backend: Backend, timeout: number, token: string | undefined, metrics: Metrics): Identify {
  return async (request) => {
    const headers: Record<string, string> = {}
    if (request.headers.cookie) headers.cookie = request.headers.cookie
    if (request.headers.authorization) headers.authorization = request.headers.authorization
    if (token) headers['lifeline-gateway-token'] = token
    const body = { url: request.url ?? '/', origin: request.headers.origin ?? null, address: request.socket.remoteAddress ?? null }
    const done = metrics.backendTimer('connect', '')
    let answer
    try {
      answer = await backend.post('/lifeline/connect', body, headers, timeout)
    } catch (err) {
      done((err as BackendFailure).kind)
      throw err
    }
    const { status } = answer
    if (status === 401 || status === 403) {
      done(String(status))
      return { ok: false, status, reason: reasonOf(answer.body, status) }
    }
    if (status !== 200 || !isRecord(answer.body)) {
      done('invalid')
      throw new BackendFailure('invalid', `/lifeline/connect answered ${status}; expected 200 with { user }, or 401/403`)
    }
    const user = userFrom(answer.body, 'user', 'topics')
    if (typeof user == 'string') {
      done('invalid')
      throw new BackendFailure('invalid', `/lifeline/connect: ${user}`)
    }
    done('200')
    return { ok: true, user }
  }
}

/** The JWT of an upgrade: `?token=` (browsers cannot set headers on a WebSocket) or `Authorization: Bearer`. */
function tokenOf(request: IncomingMessage): string | undefined {
  const query = new URL(request.url ?? '/', 'http://gateway').searchParams.get('token')
  if (query) return query
  const header = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')
  return header?.[1]
}

/** Verify a JWT locally with an HMAC secret or a PEM public key. `sub` is the user; `topicsClaim` their topics. */
export function jwtIdentify(config: Extract<ConnectConfig, { mode: 'jwt' }>, secret: string | undefined, publicKey: string | undefined): Identify {
  const key: Uint8Array | KeyObject = secret !== undefined ? new TextEncoder().encode(secret) : createPublicKey(publicKey!)
  const options = {
    algorithms: config.algorithms ?? (secret !== undefined ? ['HS256'] : ['RS256', 'ES256', 'EdDSA']),
    ...(config.issuer === undefined ? {} : { issuer: config.issuer }),
    ...(config.audience === undefined ? {} : { audience: config.audience }),
  }
  return async (request) => {
    const token = tokenOf(request)
    if (!token) return { ok: false, status: 401, reason: 'Missing token' }
    let payload: Record<string, unknown>
    try {
      payload = (await jwtVerify(token, key, options)).payload
    } catch (err) {
      const reason = err instanceof joseErrors.JWTExpired ? 'Token expired' : 'Invalid token'
      return { ok: false, status: 401, reason }
    }
    const user = userFrom(payload, 'sub', config.topicsClaim)
    if (typeof user == 'string') return { ok: false, status: 401, reason: `Invalid token: ${user}` }
    return { ok: true, user }
  }
}
