/**
 * Every option type of `createServer`, the public ones (where it listens, methods and hooks,
 * heartbeat, sessions, limits) (what they resolve to is resolved-options.ts). Types only;
 * resolve-options.ts checks and resolves them.
 * @module
 */
import type { IncomingMessage, Server as HttpServer } from 'node:http'
import type { Server as HttpsServer } from 'node:https'
import type { Protocol } from '../protocol/protocol'
import type { Broker } from './topics/broker/broker'
import type { HistoryOptions, HistoryStore } from './topics/history'
import type { SessionStore } from './sessions/store'
import type { Contract, MethodName } from '../protocol/contract'
import type { Context, ServerMethods, UpgradeRequest } from './context'

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

/** Server-side heartbeat: ws ping frames; a client that has not answered by the next one is terminated. */
export interface ServerHeartbeatOptions {
  /** Milliseconds between pings; also the time a client has to answer. @default 30000 */
  interval?: number
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
 * The `methods` option. Without a contract (or with one that lists no methods): optional, any
 * name, params `unknown`. With a contract: required, exactly the contract's methods, each typed.
 */
export type MethodsOption<Auth, C extends Contract, Req extends UpgradeRequest = IncomingMessage> = string extends MethodName<C>
  ? {
      /** Methods clients may call, by name. Names starting with `rpc.` are reserved. @default {} */
      methods?: ServerMethods<C, Auth, Req>
    }
  : {
      /** The contract's methods, each with its params and result typed. Names starting with `rpc.` are reserved. */
      methods: ServerMethods<C, Auth, Req>
    }

/**
 * Options of {@link createServer}.
 * @typeParam Auth - what `authenticate` returns (`ctx.auth`).
 * @typeParam C - the contract (`createServer<C>`): it types `methods`, and the contexts the hooks get.
 * @example
 * createServer({ port: 8080, methods: { add: (params) => sum(params) } })
 */
export type ServerOptions<Auth = unknown, C extends Contract = Contract> = ListenOptions & SharedServerOptions<Auth, C, IncomingMessage>

/**
 * Every option but where the server listens: the same on every transport (`lifeline-ws/server` on
 * `ws`, `lifeline-ws/server/deno`, `lifeline-ws/server/bun`); `Req` is the transport's request.
 * @typeParam Auth - what `authenticate` returns (`ctx.auth`).
 * @typeParam C - the contract: it types `methods`, and the contexts the hooks get.
 * @typeParam Req - the transport's upgrade request. @default IncomingMessage (Node)
 * @example
 * const shared: SharedServerOptions = { path: '/ws', methods: { echo: (params) => params } }
 */
export type SharedServerOptions<Auth = unknown, C extends Contract = Contract, Req extends UpgradeRequest = IncomingMessage> = MethodsOption<Auth, C, Req> &
  ServerBehaviour<Auth, C, Req>

/** Every option of {@link SharedServerOptions} but the methods. */
export interface ServerBehaviour<Auth = unknown, C extends Contract = Contract, Req extends UpgradeRequest = IncomingMessage> {
  /** Only upgrades to this path are handled. @default undefined (every path) */
  path?: string
  /**
   * Decide who may connect, at the upgrade, after the door's own checks (path, connections per
   * address, origin). Return what identifies the client (it becomes `ctx.auth`); return `false`,
   * `null` or `undefined`, or throw, to refuse. Throw an error with `status` (or `code`) 403 to
   * refuse as forbidden; its message is then the close reason. Throw one with status 503 when you
   * cannot tell now (the identity service does not answer): the upgrade is answered HTTP 503,
   * whatever `authRejection` says, and the client retries with backoff (a 4401 would stop it).
   * @default undefined (everyone may connect)
   * @example
   * authenticate: (req) => verifyToken(new URL(req.url!, 'http://x').searchParams.get('token'))
   * @example
   * authenticate: async (req) => {
   *   const answer = await fetch('http://auth.internal/whoami', { headers: { cookie: String(req.headers.cookie) } }).catch(() => undefined)
   *   if (!answer || answer.status >= 500) throw Object.assign(new Error('Identity service unavailable'), { status: 503 })
   *   return answer.ok ? answer.json() : null
   * }
   */
  authenticate?: (request: Req) => Auth | Promise<Auth>
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
  authorizeSubscribe?: (topic: string, ctx: Context<Auth, C, Req>, params: unknown) => boolean | Promise<boolean>
  /**
   * Origins (`https://app.example.com`) allowed besides the server's own; `'*'` allows any; a
   * function decides. Upgrades without an Origin header (non-browser clients) are always allowed.
   * Checked at `createServer` (a TypeError for a string or an entry that is not an origin; a
   * trailing slash is dropped). A function that throws or returns a non-boolean refuses the
   * upgrade, and its error goes to `onError`.
   * @default [] (same-origin browser pages only)
   * @example
   * allowedOrigins: ['https://app.example.com'],
   * allowedOrigins: (origin) => origin === 'null' ? false : new URL(origin).hostname.endsWith('.example.com'),
   */
  allowedOrigins?: readonly string[] | '*' | ((origin: string, request: Req) => boolean)
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
  /**
   * The wire format, or several: each connection is served in the dialect its client offered as its
   * WebSocket subprotocol (`lifeline.json`, `lifeline.msgpack`: each dialect's `name`), in this list's
   * order of preference; a client that offers none of them gets the first. The dialects must share the
   * conventions' method names and error codes (docs/protocol.md, "Encodings").
   * @default jsonRpc()
   * @example
   * import { msgpack } from 'lifeline-ws/msgpack'
   * createServer({ port: 8080, protocol: [jsonRpc(), msgpack()] })
   */
  protocol?: Protocol | readonly Protocol[]
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
  onConnect?: (ctx: Context<Auth, C, Req>) => void
  /**
   * Called when a session got a socket back (after a drop, a reload or a restart), once what
   * it missed was sent. @default undefined
   */
  onResume?: (ctx: Context<Auth, C, Req>) => void
  /**
   * Called once when a context ends: a plain client's socket closed; a session expired
   * (`sessions.ttl` without a socket), was ended by `ctx.close()`, overflowed (1013) or was
   * handed to the store by `close()` (1012); or a socket's own context gave way to the session
   * its first frame resumed (1000, 'Session resumed'). @default undefined
   */
  onDisconnect?: (ctx: Context<Auth, C, Req>, code: number, reason: string) => void
  /**
   * Receives errors the clients are not told about: methods that threw something other than
   * an `RpcError`, failing hooks. @default a `console.error` line
   */
  onError?: (error: unknown, ctx?: Context<Auth, C, Req>) => void
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
   * http server's own `headersTimeout` governs the headers; on Deno and Bun, the runtime's.
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
  clientAddress?: (request: Req) => string
  /**
   * Per-socket token bucket on inbound messages (each message of a batch counts; a frame that
   * does not decode counts one): `burst` messages at once, refilled at `rate` per second. A
   * socket that goes over is closed with **1008** (policy violation; lifeline's client does
   * not retry it). The session handshake announces it (`limits.rateLimit`), and a lifeline
   * client paces what it writes to stay under it, so only a client that ignores it (a flood)
   * is ever closed; with `sessions: false` nothing is announced. `false` turns it off.
   * @default { rate: 1000, burst: 10000 }
   * @example
   * createServer({ port: 8080, rateLimit: { rate: 100, burst: 2000 } })
   */
  rateLimit?: { rate?: number; burst?: number } | false
}
