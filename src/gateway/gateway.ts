/**
 * `startGateway`: one gateway process. An http server of its own takes the WebSocket upgrades (handed
 * to a `lifeline-ws/server` in `noServer` mode, whose door checks the origin and the connections per
 * address before its `authenticate` asks the backend or checks a JWT) and the HTTP routes (/healthz,
 * /readyz, /metrics, /api/*; the last two on `apiPort` when given). With LIFELINE_REDIS_URL, topics,
 * broadcasts, sessions and the API's user orders are shared with every gateway process on that Redis.
 * @module
 */
import { createServer as createHttpServer, STATUS_CODES, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { createServer, redisBroker, redisSessionStore, type Contract, type Server, type ServerOptions } from '../server/index'
import { createApi } from './api'
import { BackendFailure, createBackend } from './backend'
import type { GatewayConfig } from './config'
import { countingProtocol } from './counting-protocol'
import { localFanout, redisFanout, type Fanout } from './fanout'
import { sendJson } from './http-json'
import { jwtIdentify, proxyIdentify, topicAllowed, type GatewayUser, type Identify } from './identity'
import type { Logger } from './log'
import { createMetrics } from './metrics'
import { rpcMethods } from './rpc'
import type { GatewaySecrets } from './secrets'

/** A running gateway. */
export interface Gateway {
  /** The port of upgrades and health checks. */
  readonly port: number
  /** The port of /api and /metrics: `port` unless `apiPort` was given. */
  readonly apiPort: number
  /** The lifeline server inside. */
  readonly server: Server<GatewayUser, number | Promise<number>>
  /** Stop: refuse new upgrades, let calls finish, hand sessions to the store, close everything. Idempotent. */
  close(): Promise<void>
}

const noop = () => {}

/** Answer an upgrade with an HTTP status and drop the socket. */
function refuseUpgrade(socket: Duplex, status: number) {
  if (!socket.writable) return socket.destroy()
  const text = STATUS_CODES[status] ?? ''
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`)
}

/** ioredis is an optional peer: with LIFELINE_REDIS_URL and no ioredis, say how to add it. */
async function requireIoredis() {
  try {
    await import('ioredis')
  } catch (err) {
    throw new Error('LIFELINE_REDIS_URL is set, but the ioredis package is not installed: `npm install ioredis` beside lifeline-ws, or `npx -p lifeline-ws -p ioredis lifeline-ws gateway`', { cause: err })
  }
}

function listen(http: HttpServer, port: number, host: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    http.once('error', reject)
    http.listen(port, host, () => {
      http.off('error', reject)
      resolve((http.address() as AddressInfo).port)
    })
  })
}

/** Stop accepting connections; resolves once every connection is gone (see closeAllConnections). */
function stopListening(http: HttpServer): Promise<void> {
  return new Promise((resolve) => http.close(() => resolve()))
}

/**
 * Start a gateway with a checked config (validateConfig) and its secrets (readSecrets).
 * @example
 * const gateway = await startGateway(validateConfig(json), readSecrets(config, process.env), createLogger('info'))
 * process.on('SIGTERM', () => gateway.close())
 */
export async function startGateway(config: GatewayConfig, secrets: GatewaySecrets, log: Logger): Promise<Gateway> {
  const backend = createBackend(config.backend.url)
  let closing = false
  let ready = false
  // Read at each scrape, once `server` (below) exists.
  const metrics = createMetrics({ stats: () => server.stats, clients: () => server.clients.size })
  const identify: Identify =
    config.connect.mode === 'jwt'
      ? jwtIdentify(config.connect, secrets.jwtSecret, secrets.jwtPublicKey)
      : proxyIdentify(backend, config.connect.timeout, secrets.backendToken, metrics)
  const connectTimeout = config.connect.mode === 'proxy' ? config.connect.timeout : 0

  const redis = secrets.redisUrl
  if (redis) await requireIoredis()
  const store = redis && config.sessions ? redisSessionStore({ url: redis, prefix: config.redis.prefix, writeThrough: config.redis.writeThrough }) : undefined
  const options: ServerOptions<GatewayUser> = {
    noServer: true,
    path: config.path,
    methods: rpcMethods(config.methods, { backend, token: secrets.backendToken, metrics, log }),
    // After the server's door (path, connections per address, origin): an upgrade it refuses costs
    // the backend nothing. A refusal closes with 4401/4403; a backend that cannot say is a 503, which
    // the client retries (a 4401 would stop it for good).
    async authenticate(request) {
      let identity
      try {
        identity = await identify(request)
      } catch (err) {
        const kind = err instanceof BackendFailure ? err.kind : 'unreachable'
        metrics.error(`backend_${kind}`)
        log.warn('connect: backend failed', { kind, error: err })
        throw Object.assign(new Error('Backend unavailable'), { status: 503 })
      }
      if (!identity.ok) {
        metrics.error('connect_refused')
        log.info('connect refused', { status: identity.status, reason: identity.reason, address: request.socket.remoteAddress })
        throw Object.assign(new Error(identity.reason), { status: identity.status })
      }
      return identity.user
    },
    // The backend's own deadline (connect.timeout) answers first; the door's is the backstop.
    handshakeTimeout: Math.max(10_000, connectTimeout + 1000),
    maxConnectionsPerAddress: config.maxConnectionsPerAddress,
    authorizeSubscribe: (topic, ctx) => topicAllowed(topic, ctx.auth.topics),
    allowedOrigins: config.allowedOrigins,
    sessions: config.sessions && { ...config.sessions, ...(store ? { store } : {}) },
    history: config.history,
    protocol: countingProtocol((direction, type, count) => (direction == 'in' ? metrics.messageIn(type, count) : metrics.messageOut(type, count))),
    shutdownTimeout: config.shutdownTimeout,
    onError(err, ctx) {
      metrics.error('internal')
      log.error('server error', { error: err, client: ctx?.id })
    },
    onConnect: (ctx) => log.debug('connected', { client: ctx.id, user: ctx.auth.user }),
    onDisconnect: (ctx, code, reason) => log.debug('disconnected', { client: ctx.id, user: ctx.auth.user, code, reason }),
  }
  if (redis) options.broker = redisBroker({ url: redis, prefix: config.redis.prefix, history: config.history })
  const server = createServer<Contract, GatewayUser>(options) as Server<GatewayUser, number | Promise<number>>

  let fanout: Fanout
  try {
    await server.ready
    fanout = redis ? await redisFanout(redis, config.redis.prefix, server.clients, log) : localFanout(server.clients)
  } catch (err) {
    await server.close()
    await store?.close()
    backend.close()
    throw err
  }
  const api = createApi({ server, fanout, apiKey: secrets.apiKey, metrics, log })

  const readiness = () => {
    if (closing) return 'closing'
    return ready && fanout.healthy() ? 'ready' : 'not ready'
  }
  const route = (withApi: boolean) => (request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? '/', 'http://gateway').pathname
    if (path === '/healthz') return sendJson(response, 200, { status: 'ok' })
    if (path === '/readyz') {
      return sendJson(response, readiness() === 'ready' ? 200 : 503, { status: readiness() })
    }
    if (withApi && path === '/metrics') {
      metrics.registry.metrics().then((text) => {
        response.writeHead(200, { 'content-type': metrics.registry.contentType })
        response.end(text)
      }, (err: unknown) => sendJson(response, 500, { error: String(err) }))
      return
    }
    if (withApi && path.startsWith('/api/')) return void api(request, response, path.slice('/api/'.length))
    sendJson(response, path === config.path ? 426 : 404, { error: path === config.path ? 'WebSocket upgrade required' : 'not found' })
  }
  const separate = config.apiPort !== undefined
  const publicHttp = createHttpServer(route(!separate))
  const apiHttp = separate ? createHttpServer(route(true)) : undefined

  publicHttp.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', noop)
    if (closing) return refuseUpgrade(socket, 503)
    if (!server.handleUpgrade(request, socket, head)) refuseUpgrade(socket, 404)
  })

  let port: number
  let apiPort: number
  try {
    port = await listen(publicHttp, config.port, config.host)
    apiPort = apiHttp ? await listen(apiHttp, config.apiPort!, config.host) : port
  } catch (err) {
    await server.close()
    await Promise.all([fanout.close(), store?.close()])
    backend.close()
    throw err
  }
  ready = true
  log.info('gateway listening', { port, apiPort, path: config.path, backend: config.backend.url, redis: redis !== undefined, methods: Object.keys(config.methods) })

  let closed: Promise<void> | undefined
  async function shutdown() {
    closing = true
    log.info('gateway closing', { connections: server.stats.connections })
    // No new connections from here; the API port stays up until the end (its /readyz says "closing").
    const publicStopped = stopListening(publicHttp)
    await server.close()
    await Promise.all([fanout.close(), store?.close()])
    backend.close()
    const apiStopped = apiHttp && stopListening(apiHttp)
    publicHttp.closeAllConnections()
    apiHttp?.closeAllConnections()
    await Promise.all([publicStopped, apiStopped])
    log.info('gateway closed')
  }
  return {
    port,
    apiPort,
    server,
    close() {
      closed ??= shutdown()
      return closed
    },
  }
}
