/**
 * `createServer`: wires the upgrade checks, connections, topics, heartbeat
 * and graceful shutdown around one `ws` server in `noServer` mode, so every
 * way of listening (own port, existing http server, manual upgrades) takes
 * the same path.
 * @module
 */
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import { createClients } from './connection/clients'
import { closeReason } from './values'
import { startHeartbeat } from './connection/heartbeat'
import { reportEvents, WsSocket } from './transport/ws'
import { createUpgradeGuard } from './transport/door'
import { resolveServerOptions } from './resolve-options'
import { createStats } from './stats'
import { createTopics } from './topics/topics'
import type { Broker } from './topics/broker/broker'
import type { Context, Server, ServerOptions } from './types'
import { authenticate, pathMatches, refuse } from './transport/upgrade'

const noop = () => {}
/** After the deadline, sockets get this long to finish their closing handshake before being cut. */
const GRACE = 1000
/** Distinct refused origins remembered for logging each once. */
const REPORTED_ORIGINS = 1000

/**
 * Start a lifeline server: JSON-RPC methods, events, topics with history,
 * server-to-client calls and heartbeats, on `ws`.
 * @example
 * import { createServer } from 'lifeline-ws/server'
 * const server = createServer({ port: 8080, methods: { echo: (params) => params } })
 * await server.ready
 * setInterval(() => server.publish('clock', { now: Date.now() }), 1000)
 */
export function createServer<Auth = unknown>(
  options: ServerOptions<Auth> & { broker: Broker & { publish(topic: string, data: unknown): Promise<number> } },
): Server<Auth, Promise<number>>
export function createServer<Auth = unknown>(options: ServerOptions<Auth>): Server<Auth>
export function createServer<Auth = unknown>(options: ServerOptions<Auth>): Server<Auth, number | Promise<number>> {
  const resolved = resolveServerOptions(options)
  const stats = createStats()
  // Every upgraded socket, accepted or being refused (a superset of conns), so close() can end them all.
  const sockets = new Set<WebSocket>()
  const broker = resolved.broker
  const topics = createTopics(broker, resolved.protocol, resolved.codes)
  const { door, listen } = resolved
  const wss = new WebSocketServer({ noServer: true, maxPayload: door.maxPayload, clientTracking: false, perMessageDeflate: false })
  const own = listen.port !== undefined
  const http: HttpServer | undefined = own
    ? createHttpServer((_req, res) => res.writeHead(426, { 'Content-Type': 'text/plain' }).end('Upgrade Required'))
    : (listen.server as HttpServer | undefined)
  let stopping = false
  let closed: Promise<void> | undefined
  let onEmpty = noop

  // A throwing hook or onError must never take the process down.
  const report = (err: unknown, ctx?: Context<Auth>) => {
    try {
      resolved.report(err, ctx)
    } catch {
      /* nowhere left to report to */
    }
  }
  const clients = createClients({
    resolved,
    topics,
    stats,
    report,
    closing: () => stopping,
  })

  const brokerStarted = Promise.resolve(
    broker.start({
      message: topics.deliver,
      broadcast(event, params) {
        try {
          clients.broadcast(event, params)
        } catch (err) {
          report(err)
        }
      },
      listening: topics.listening,
      counts: () => ({ connections: stats.connections, clients: clients.byId.size, topics: topics.counts() }),
      report: (err) => report(err),
    }),
  )

  // Origins already reported, so a page that retries forever is logged once; cleared when full,
  // so a client inventing origins cannot grow it.
  const reportedOrigins = new Set<string>()
  const reportOrigin = (origin: string, err: Error) => {
    if (reportedOrigins.has(origin)) return
    if (reportedOrigins.size >= REPORTED_ORIGINS) reportedOrigins.clear()
    reportedOrigins.add(origin)
    report(err)
  }
  // Requests without Origin come from non-browser clients, which hold no victim's cookies.
  const originRefused = (request: IncomingMessage): boolean => {
    const origin = request.headers.origin
    if (origin === undefined) return false
    const failed = (err: unknown) =>
      reportOrigin(origin, new Error(`lifeline-ws/server: refused upgrade from origin ${origin}: allowedOrigins failed (${String(err)})`, { cause: err }))
    if (door.originAllowed(origin, request, failed)) return false
    const fix = door.originsByFunction ? 'your allowedOrigins function refused it' : 'add it to allowedOrigins'
    reportOrigin(origin, new Error(`lifeline-ws/server: refused upgrade from origin ${origin}; ${fix}`))
    return true
  }

  const guard = createUpgradeGuard(door, own ? http : undefined, () => stats.rejected++, resolved.clock)

  function handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    if (!pathMatches(request, door.path)) return false
    socket.on('error', noop)
    const refused = (status: number, reason?: string) => {
      stats.rejected++
      refuse(socket, status, reason)
    }
    if (stopping) {
      refused(503)
      return true
    }
    if (!guard.admit(request, socket)) {
      refused(429)
      return true
    }
    if (originRefused(request)) {
      refused(403)
      return true
    }
    authenticate(request, door.authenticate, (err) => report(err)).then((verdict) => {
      if (socket.destroyed) return
      if (stopping) return refused(503)
      if (!verdict.ok && door.authRejection === 'http') return refused(verdict.status, verdict.reason)
      if (!verdict.ok) stats.rejected++
      wss.handleUpgrade(request, socket, head, (ws) => {
        guard.upgraded(socket)
        // ws reports protocol violations (oversize, bad UTF-8) here after closing the socket itself.
        ws.on('error', () => stats.malformed++)
        // Browsers cannot read an HTTP status from a failed upgrade; they can read a close code.
        if (verdict.ok) reportEvents(ws, clients.accept(new WsSocket(ws), request, verdict.auth))
        else ws.close(4000 + verdict.status, closeReason(verdict.reason))
        sockets.add(ws)
        ws.once('close', () => {
          sockets.delete(ws)
          if (!sockets.size) onEmpty()
        })
      })
    }).catch((err: unknown) => {
      // For instance handleUpgrade called twice with one socket: the caller's bug, not a crash.
      report(err)
      socket.destroy()
    })
    return true
  }

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Another listener may serve this path; only when there is none would the socket hang.
    if (!handleUpgrade(request, socket, head) && (own || http?.listenerCount('upgrade') === 1)) refuse(socket, 404)
  }
  http?.on('upgrade', onUpgrade)

  let settleReady: (err?: Error) => void = noop
  const ready = new Promise<void>((resolve, reject) => {
    settleReady = (err) => {
      if (err) reject(err)
      else resolve()
    }
    const listening = new Promise<void>((done) => {
      if (!http || http.listening) done()
      else http.once('listening', () => done())
    })
    // Ready means listening and able to publish (an asynchronous broker has connected).
    Promise.all([listening, brokerStarted]).then(() => resolve(), reject)
  })
  // Nobody has to await `ready`; an unobserved rejection must not crash the process.
  ready.catch(noop)
  if (own) {
    http?.on('error', (err) => settleReady(err))
    http?.listen(listen.port, listen.host)
  }

  const stopHeartbeat = resolved.heartbeat ? startHeartbeat(clients.connections, resolved.heartbeat, resolved.clock) : noop

  const empty = (ms: number) =>
    new Promise<void>((resolve) => {
      if (!sockets.size) return resolve()
      const timer = resolved.clock.setTimeout(resolve, ms)
      onEmpty = () => {
        resolved.clock.clearTimeout(timer)
        resolve()
      }
    })

  async function shutdown() {
    stopping = true
    if (own) http?.close(noop)
    else http?.off('upgrade', onUpgrade)
    stopHeartbeat()
    guard.stop()
    settleReady(new Error('lifeline-ws/server: closed'))
    // Each client goes as soon as its work is done: a session is acknowledged and saved first.
    await clients.letGoAll(false)
    await empty(resolved.shutdownTimeout)
    // Deadline: in-flight requests lose their answers; every client hears 1012 and reconnects.
    await clients.letGoAll(true)
    await empty(GRACE)
    for (const ws of sockets) ws.terminate()
    await empty(GRACE)
    if (own) http?.closeAllConnections()
    wss.close()
    try {
      await brokerStarted.catch(noop)
      await broker.stop()
    } catch (err) {
      report(err)
    }
  }

  const address = () => http?.address() ?? null
  return {
    ready,
    address,
    get port() {
      const listening = address()
      return typeof listening == 'object' && listening ? listening.port : undefined
    },
    clients: clients.byId,
    get stats() {
      return { ...stats }
    },
    publish: topics.publish,
    broadcast(event, params) {
      clients.broadcast(event, params)
      // The other processes' clients: a failure cannot be undone here, so it is reported.
      Promise.resolve()
        .then(() => broker.broadcast(event, params))
        .catch((err: unknown) => report(err))
    },
    async cluster() {
      return broker.cluster()
    },
    handleUpgrade,
    close() {
      closed ??= shutdown()
      return closed
    },
  }
}
