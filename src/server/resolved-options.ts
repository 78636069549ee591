/**
 * What each option of `createServer` resolves to (resolve-options.ts makes them): every default
 * filled in, every check done. Types only, internal: the public option types are options.ts.
 * @module
 */
import type { Server as HttpServer } from 'node:http'
import type { Server as HttpsServer } from 'node:https'
import type { Protocol } from '../protocol/protocol'
import type { Clock } from './clock'
import type { Codes } from './messages/codes'
import type { Broker } from './topics/broker/broker'
import type { HistoryStore } from './topics/history'
import type { SessionStore } from './sessions/store'
import type { Context, MethodHandler, UpgradeRequest } from './context'
import type { ServerOptions } from './options'

/** `sessions`, resolved: every limit with its default, and a store. @internal */
export interface ResolvedSessions {
  ttl: number
  maxBytes: number
  ackDelay: number
  store: SessionStore
}

/** Where the server listens, resolved: exactly one mode. @internal */
export type ResolvedListen =
  | { port: number; host: string | undefined; server?: undefined }
  | { server: HttpServer | HttpsServer; port?: undefined }
  | { noServer: true; port?: undefined; server?: undefined }

/**
 * `allowedOrigins`, resolved (transport/origins.ts): decides one upgrade's Origin header and never
 * throws. A user function that fails is a refusal, and its error goes to `failed`.
 * @internal
 */
export type OriginCheck = (origin: string, request: UpgradeRequest, failed: (err: unknown) => void) => boolean

/** What the transport checks at the door, before a socket exists. @internal */
export interface ResolvedDoor<Auth> {
  /** Only upgrades to this path are handled; undefined: every path. */
  path: string | undefined
  handshakeTimeout: number
  maxConnectionsPerAddress: number
  clientAddress(request: UpgradeRequest): string
  /** `allowedOrigins` as a check that never throws. */
  originAllowed: OriginCheck
  /** True when `allowedOrigins` is a function (the refusal says who refused). */
  originsByFunction: boolean
  authenticate: ((request: UpgradeRequest) => Auth | Promise<Auth>) | undefined
  authRejection: 'close' | 'http'
  maxPayload: number
  /** The dialects' subprotocols, in order of preference: the one a client offers first in this order is chosen. */
  subprotocols: readonly string[]
}

/** Per-client and per-connection limits. @internal */
export interface ResolvedLimits {
  maxInFlight: number
  maxQueued: number
  maxSubscriptions: number
  maxBufferedAmount: number
  rateLimit: { rate: number; burst: number } | false
}

/** The application's hooks, each checked to be a function. @internal */
export interface ResolvedHooks<Auth> {
  onConnect: ((ctx: Context<Auth>) => void) | undefined
  onResume: ((ctx: Context<Auth>) => void) | undefined
  onDisconnect: ((ctx: Context<Auth>, code: number, reason: string) => void) | undefined
  authorizeSubscribe: ServerOptions<Auth>['authorizeSubscribe']
}

/** Every option of `createServer`, checked and with its default (resolve-options.ts). @internal */
export interface ResolvedServerOptions<Auth> {
  listen: ResolvedListen
  door: ResolvedDoor<Auth>
  /** The default dialect: for a client that offers none of the dialects' subprotocols. */
  protocol: Protocol
  /** Every dialect, the default first. */
  dialects: readonly Protocol[]
  /** Every dialect by its subprotocol (the default's too, when it has a name). */
  dialectsByName: ReadonlyMap<string, Protocol>
  /** The protocol's error codes; the ones it leaves out are JSON-RPC's. */
  codes: Codes
  /** The session convention's method names (a protocol may rename them). */
  names: { session: string; ack: string }
  /** Methods whose frames are control frames, for sessions; no application method or event may use them. */
  control: ReadonlySet<string>
  methods: ReadonlyMap<string, MethodHandler<Auth>>
  limits: ResolvedLimits
  hooks: ResolvedHooks<Auth>
  sessions: ResolvedSessions | false
  heartbeat: number | false
  callTimeout: number
  shutdownTimeout: number
  history: HistoryStore
  /** Where topic messages are numbered, kept and distributed: the `broker` option, or memory over `history`. */
  broker: Broker
  /** Every timer's clock (clock.ts). */
  clock: Clock
  /** `onError`, or the default logger (one line for the server's own notices). */
  report(err: unknown, ctx?: Context<Auth>): void
}
