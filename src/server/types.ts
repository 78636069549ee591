/**
 * Public types of `lifeline-ws/server`: its options, the per-client context
 * methods receive, and the server object.
 * @module
 */
import type { IncomingMessage, Server as HttpServer } from 'node:http'
import type { Server as HttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import type { Protocol } from '../protocol/protocol'
import type { Broker, ClusterCounts } from './broker/broker'
import type { HistoryOptions, HistoryStore } from './history'
import type { SessionStore } from './session-store'

/** Options of {@link Context.call}. */
export interface CallOptions {
  /** Milliseconds to wait for the client's answer. @default the server's `callTimeout` */
  timeout?: number
}

/**
 * Sessions (docs/protocol.md, "Sessions"): a client that opens one with `rpc.session` gets every
 * tracked frame delivered exactly once, in order, both ways, across drops and planned restarts.
 * @example
 * createServer({ port: 8080, sessions: { ttl: 60000, maxBytes: 4 * 1024 * 1024 } })
 */
export interface ServerSessionOptions {
  /** Milliseconds a session without a socket waits for its client to resume it. @default 120000 */
  ttl?: number
  /**
   * Bytes of frames sent and not yet acknowledged that one session may hold. Beyond it the
   * session ends: its socket is closed with 1013 and the next resume starts a new session.
   * @default 1048576
   */
  maxBytes?: number
  /** Milliseconds an acknowledgement of the client's frames waits to cover more (at most 128). @default 200 */
  ackDelay?: number
  /**
   * Where sessions wait between two servers (a graceful restart saves them here). Pass one
   * store to successive servers to carry sessions across a restart.
   * @default a createSessionStore() of this server's own
   */
  store?: SessionStore
}

/**
 * One connected client, as methods, hooks and `server.clients` see it. A client that opened a
 * session keeps one context for the whole session, across its sockets.
 * @example
 * methods: { whoami: (_params, ctx) => ({ id: ctx.id, user: ctx.auth }) }
 */
export interface Context<Auth = unknown> {
  /** A random id, unique per connection; for a session, the session id (the same on every socket). */
  readonly id: string
  /** What `authenticate` returned for this connection (undefined without `authenticate`). */
  readonly auth: Auth
  /** The HTTP upgrade request (of the latest socket, for a session): headers, URL, remote address. */
  readonly request: IncomingMessage
  /** Topics this client is subscribed to on its current socket (the client resubscribes on each). */
  readonly topics: ReadonlySet<string>
  /**
   * Ask the client (its `client.handle(method, fn)`) and wait for the answer. Rejects with
   * `RpcError` when the client answers with an error, `TimeoutError`, or `ConnectionClosedError`
   * (a plain client left; a session ended). With a session, a call in flight across a drop
   * settles when the client answers after it resumed.
   */
  call(method: string, params?: unknown, options?: CallOptions): Promise<unknown>
  /**
   * Send an event (a notification) to this client; it arrives at `client.listen(event)`. With a
   * session, an event sent while the client is away is delivered when it resumes.
   */
  notify(event: string, params?: unknown): void
  /** Close this connection; for a session, end the session too (its client starts a new one). @default code 1000 */
  close(code?: number, reason?: string): void
}

/** A method the clients may call: its result, or a thrown `RpcError`, is the answer. */
export type MethodHandler<Auth = unknown> = (params: unknown, ctx: Context<Auth>) => unknown

/** Server-side heartbeat: ws ping frames; a client that has not answered by the next one is terminated. */
export interface ServerHeartbeatOptions {
  /** Milliseconds between pings; also the time a client has to answer. @default 30000 */
  interval?: number
}

/** Counters, readable at any time from `server.stats`. */
export interface ServerStats {
  /** Clients connected now. */
  connections: number
  /** Connections accepted since start. */
  accepted: number
  /** Upgrades refused: origin, authentication, or the server was closing. */
  rejected: number
  /** Requests and notifications dispatched to a method or to subscribe. */
  calls: number
  /** Error answers sent (not counting malformed frames). */
  errors: number
  /** Clients the server cut off: missed heartbeats or too slow to read. */
  dropped: number
  /** Frames that could not be decoded (answered with -32700 or -32600), or broke the WebSocket protocol. */
  malformed: number
}

/**
 * How and where the server listens: exactly one of `port`, `server` or `noServer`.
 * @example
 * { port: 8080 }                 // an http server of its own (plain HTTP requests get 426)
 * { server: httpServer }         // upgrades on an existing http/https server (Express: app.listen())
 * { noServer: true }             // you route upgrades to server.handleUpgrade()
 */
export type ListenOptions =
  | {
      /** Listen on this port (0: the OS picks a free one) with an http server of its own. */
      port: number
      /** Interface to listen on. @default every interface (Node's default) */
      host?: string
      server?: undefined
      noServer?: undefined
    }
  | {
      /** Handle upgrades of this http or https server; it is not closed by `close()`. */
      server: HttpServer | HttpsServer
      port?: undefined
      host?: undefined
      noServer?: undefined
    }
  | {
      /** Listen nowhere: hand upgrades to `server.handleUpgrade()`. */
      noServer: true
      port?: undefined
      host?: undefined
      server?: undefined
    }

/**
 * Options of {@link createServer}.
 * @example
 * createServer({ port: 8080, methods: { add: ([a, b]: number[]) => a + b } })
 */
export type ServerOptions<Auth = unknown> = ListenOptions & {
  /** Only upgrades to this path are handled. @default undefined (every path) */
  path?: string
  /** Methods clients may call, by name. Names starting with `rpc.` are reserved. @default {} */
  methods?: Record<string, MethodHandler<Auth>>
  /**
   * Decide who may connect, at the upgrade. Return what identifies the client (it becomes
   * `ctx.auth`); return `false`, `null` or `undefined`, or throw, to refuse. Throw an error with
   * `status` (or `code`) 403 to refuse as forbidden; its message is then the close reason.
   * @default undefined (everyone may connect)
   * @example
   * authenticate: (req) => verifyToken(new URL(req.url!, 'http://x').searchParams.get('token'))
   */
  authenticate?: (request: IncomingMessage) => Auth | Promise<Auth>
  /**
   * How a refused authentication is told. `'close'`: accept the upgrade, then close at once
   * with 4401 (unauthorized) or 4403 (forbidden), which browsers can read and lifeline's client
   * does not retry. `'http'`: answer the upgrade with HTTP 401 or 403 (browsers see only 1006).
   * @default 'close'
   */
  authRejection?: 'close' | 'http'
  /**
   * Decide who may subscribe to a topic. Refusing answers the subscribe with error 403.
   * @default undefined (everyone may subscribe to everything)
   */
  authorizeSubscribe?: (topic: string, ctx: Context<Auth>, params: unknown) => boolean | Promise<boolean>
  /**
   * Origins (`https://app.example.com`) allowed besides the server's own; `'*'` allows any; a
   * function decides. Upgrades without an Origin header (non-browser clients) are always allowed.
   * @default [] (same-origin browser pages only)
   */
  allowedOrigins?: readonly string[] | '*' | ((origin: string, request: IncomingMessage) => boolean)
  /** Largest inbound frame, bytes; a bigger one closes the connection with 1009. @default 1048576 */
  maxPayload?: number
  /**
   * Application requests and notifications one client may have running at once. The ones after
   * them wait (see `maxQueued`) and start as slots free up. Protocol messages (`rpc.ping`,
   * `rpc.subscribe`, `rpc.unsubscribe`, `rpc.session`, `rpc.ack`) never count.
   * @default 32
   */
  maxInFlight?: number
  /**
   * Application messages one client may have waiting for a slot, in arrival order, once
   * `maxInFlight` run. A request that finds this queue full is answered -32000 (Too many
   * requests); notifications are never refused (they wait even beyond it).
   * @default 1000
   */
  maxQueued?: number
  /** Topics one connection may subscribe to; more are answered with -32001. @default 1000 */
  maxSubscriptions?: number
  /** Bytes waiting to be written to one client above which it is cut off as too slow. @default 8388608 */
  maxBufferedAmount?: number
  /** Ping clients and reap those that stop answering; `false` turns it off. @default { interval: 30000 } */
  heartbeat?: ServerHeartbeatOptions | false
  /**
   * Topic history: limits for the built-in store, a {@link HistoryStore} (share one between
   * servers so a restarted server keeps sequence numbers), or `false` to keep nothing.
   * @default { limit: 100, maxAge: 300000 }
   */
  history?: HistoryOptions | HistoryStore | false
  /** Default timeout of `ctx.call`, ms. @default 30000 */
  callTimeout?: number
  /** How long `close()` lets in-flight requests finish before closing every client, ms. @default 10000 */
  shutdownTimeout?: number
  /** The wire format; must match the clients'. @default jsonRpc() */
  protocol?: Protocol
  /**
   * Sessions: on by default for clients that ask (`rpc.session`); `false` answers that request
   * with -32601, like a plain JSON-RPC server. Clients that never ask work as without sessions.
   * @default { ttl: 120000, maxBytes: 1048576, ackDelay: 200 }
   */
  sessions?: ServerSessionOptions | false
  /**
   * Called when a context begins: at every upgrade (each socket starts with a context of its
   * own), and when this server resumes a session another server saved. @default undefined
   */
  onConnect?: (ctx: Context<Auth>) => void
  /**
   * Called when a session got a socket back (after a drop, a reload or a restart), once what
   * it missed was sent. @default undefined
   */
  onResume?: (ctx: Context<Auth>) => void
  /**
   * Called once when a context ends: a plain client's socket closed; a session expired
   * (`sessions.ttl` without a socket), was ended by `ctx.close()`, overflowed (1013) or was
   * handed to the store by `close()` (1012); or a socket's own context gave way to the session
   * its first frame resumed (1000, 'Session resumed'). @default undefined
   */
  onDisconnect?: (ctx: Context<Auth>, code: number, reason: string) => void
  /**
   * Receives errors the clients are not told about: methods that threw something other than
   * an `RpcError`, failing hooks. @default a `console.error` line
   */
  onError?: (error: unknown, ctx?: Context<Auth>) => void
  /**
   * Where topic messages are numbered, kept and fanned out, and broadcasts cross processes.
   * `redisBroker({ url })` shares topics, history and broadcasts between every process on one
   * Redis (docs/scaling.md); then `publish` returns a promise and `history` is ignored (the
   * broker has its own limits).
   * @default memoryBroker(history): this process only
   * @example
   * createServer({ port: 8080, broker: redisBroker({ url: 'redis://127.0.0.1:6379' }) })
   */
  broker?: Broker
  /**
   * With `port`: how long a connection may take to send its whole upgrade request (a slowloris
   * client trickling header bytes holds a socket until then), ms; it is then closed. Also the
   * longest `authenticate` may take before the upgrade is refused with 503. With `server`, your
   * http server's own `headersTimeout` governs the headers.
   * @default 10000
   * @example
   * createServer({ port: 8080, handshakeTimeout: 5000 })
   */
  handshakeTimeout?: number
  /**
   * Most connections (open, or still upgrading) from one client address; the next upgrade is
   * refused with HTTP 429 (a browser sees 1006 and retries with backoff). Behind a reverse
   * proxy every client has the proxy's address: give `clientAddress`.
   * @default 1000
   * @example
   * createServer({ port: 8080, maxConnectionsPerAddress: 50 })
   */
  maxConnectionsPerAddress?: number
  /**
   * The address `maxConnectionsPerAddress` counts by.
   * @default the TCP peer, `request.socket.remoteAddress`
   * @example
   * // Behind a proxy you trust, which sets X-Forwarded-For:
   * createServer({ port: 8080, clientAddress: (request) => String(request.headers['x-forwarded-for'] ?? '').split(',')[0]!.trim() })
   */
  clientAddress?: (request: IncomingMessage) => string
  /**
   * Per-socket token bucket on inbound messages (each message of a batch counts; a frame that
   * does not decode counts one): `burst` messages at once, refilled at `rate` per second. A
   * socket that goes over is closed with **1008** (policy violation; lifeline's client does
   * not retry it). The default is far above what a lifeline client sends, even flushing a full
   * outbox and resubscribing 1,000 topics after a reconnect. `false` turns it off.
   * @default { rate: 1000, burst: 10000 }
   * @example
   * createServer({ port: 8080, rateLimit: { rate: 100, burst: 2000 } })
   */
  rateLimit?: { rate?: number; burst?: number } | false
}

/**
 * The object {@link createServer} returns.
 * @example
 * const server = createServer({ port: 8080 })
 * await server.ready
 * server.publish('prices', { btc: 97000 })
 * console.log(server.stats.connections)
 * process.on('SIGTERM', () => server.close())
 */
export interface Server<Auth = unknown, Published extends number | Promise<number> = number> {
  /** Resolves once listening (`port` and `server` modes; at once with `noServer`); rejects if listening fails. */
  readonly ready: Promise<void>
  /** The port listened on, once listening. */
  readonly port: number | undefined
  /** The listening address (`net.Server#address()`), or null. */
  address(): AddressInfo | string | null
  /**
   * Every client by `ctx.id`: a plain client while its socket is open; a session until it ends,
   * also while its client is away (`ctx.notify` then keeps the event for its return).
   */
  readonly clients: ReadonlyMap<string, Context<Auth>>
  /** A snapshot of the counters. */
  readonly stats: ServerStats
  /**
   * Send `data` to every subscriber of `topic` and keep it in the topic's history.
   * Returns its sequence number (a promise of it with an asynchronous broker such as Redis, which
   * rejects when the broker cannot be reached). Throws when `data` cannot be encoded.
   */
  publish(topic: string, data?: unknown): Published
  /** Send an event (a notification) to every client, including sessions waiting for their client to resume. */
  broadcast(event: string, params?: unknown): void
  /**
   * Hand over an HTTP upgrade (for `noServer`). Returns false, leaving the socket alone, when
   * the path does not match; otherwise the server owns the socket.
   */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean
  /**
   * Stop accepting, let running and queued requests finish (up to `shutdownTimeout`), then close
   * every client with 1012 (service restart) so it reconnects. A session's socket first gets an
   * `rpc.ack` of everything the server received, and the session is saved to `sessions.store`,
   * where a server sharing the store resumes it. Idempotent.
   */
  close(): Promise<void>
  /**
   * Counts over every process sharing the broker: processes, connections, clients and
   * subscribers per topic. With the in-memory broker, this process's counts. With Redis, each
   * process's share is refreshed every few seconds (`redisBroker`'s `reportInterval`).
   * @example
   * const { processes, connections, topics } = await server.cluster()
   */
  cluster(): Promise<ClusterCounts>
}
