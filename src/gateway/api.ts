/**
 * The server API for the backend, behind `Authorization: Bearer <LIFELINE_API_KEY>`: publish to a
 * topic (answering its seq), broadcast an event, notify or disconnect one user's connections, and
 * read the counters. Shapes: src/gateway/openapi.json (shipped as dist/gateway-openapi.json).
 * @module
 */
import { timingSafeEqual, createHash } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Server } from '../server/index'
import type { Fanout } from './fanout'
import { HttpError, readJsonObject, sendJson } from './http-json'
import type { GatewayUser } from './identity'
import type { Logger } from './log'
import type { Metrics } from './metrics'

/** What the API acts on. */
export interface ApiOptions {
  server: Server<GatewayUser, number | Promise<number>>
  fanout: Fanout
  apiKey: string
  metrics: Metrics
  log: Logger
}

/** Handles one /api/* request. */
export type ApiHandler = (request: IncomingMessage, response: ServerResponse, route: string) => Promise<void>

type Body = Record<string, unknown>

const digest = (text: string) => createHash('sha256').update(text).digest()

function requiredString(body: Body, key: string): string {
  const value = body[key]
  if (typeof value != 'string' || !value) throw new HttpError(400, `${key} must be a non-empty string`)
  return value
}

/** Disconnect codes the client reads as an application's: 4400–4499 stop it, other 4000–4999 let it retry. */
function closeCode(body: Body): number {
  const code = body.code ?? 4403
  if (!Number.isInteger(code) || (code as number) < 4000 || (code as number) > 4999) throw new HttpError(400, 'code must be an integer from 4000 to 4999')
  return code as number
}

function closeReason(body: Body): string {
  const reason = body.reason ?? 'Disconnected by the backend'
  if (typeof reason != 'string' || Buffer.byteLength(reason) > 123) throw new HttpError(400, 'reason must be a string of at most 123 bytes')
  return reason
}

/** The /api routes. */
export function createApi({ server, fanout, apiKey, metrics, log }: ApiOptions): ApiHandler {
  const expected = digest(apiKey)
  // Hashes have one length, so timingSafeEqual never throws and the comparison leaks no length.
  const authorized = (request: IncomingMessage) => {
    const presented = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1] ?? ''
    return timingSafeEqual(digest(presented), expected)
  }
  const posts: Record<string, (body: Body) => Promise<unknown>> = {
    async publish(body) {
      const topic = requiredString(body, 'topic')
      return { seq: await server.publish(topic, body.data) }
    },
    async broadcast(body) {
      server.broadcast(requiredString(body, 'event'), body.params)
      return {}
    },
    async notify(body) {
      const processes = await fanout.send({ kind: 'notify', user: requiredString(body, 'user'), event: requiredString(body, 'event'), params: body.params })
      return { processes }
    },
    async disconnect(body) {
      const processes = await fanout.send({ kind: 'disconnect', user: requiredString(body, 'user'), code: closeCode(body), reason: closeReason(body) })
      return { processes }
    },
  }
  const answer = (response: ServerResponse, route: string, status: number, body: unknown) => {
    metrics.apiRequest(route, status)
    sendJson(response, status, body)
  }
  return async (request, response, route) => {
    try {
      if (!authorized(request)) {
        metrics.error('api_unauthorized')
        return answer(response, route, 401, { error: 'missing or wrong API key (Authorization: Bearer <LIFELINE_API_KEY>)' })
      }
      if (route === 'stats') {
        if (request.method !== 'GET') throw new HttpError(405, 'use GET')
        return answer(response, route, 200, { process: server.stats, cluster: await server.cluster() })
      }
      const post = Object.hasOwn(posts, route) ? posts[route] : undefined
      if (!post) throw new HttpError(404, `no route /api/${route}`)
      if (request.method !== 'POST') throw new HttpError(405, 'use POST')
      return answer(response, route, 200, await post(await readJsonObject(request)))
    } catch (err) {
      if (err instanceof HttpError) {
        metrics.error('api_invalid')
        return answer(response, route, err.status, { error: err.message })
      }
      // publish with data JSON cannot encode is the caller's; Redis away is ours, and passes.
      const unavailable = !(err instanceof TypeError || err instanceof RangeError)
      log.warn('api request failed', { route, error: err })
      metrics.error(unavailable ? 'internal' : 'api_invalid')
      return answer(response, route, unavailable ? 503 : 400, { error: unavailable ? 'unavailable, try again' : (err as Error).message })
    }
  }
}
