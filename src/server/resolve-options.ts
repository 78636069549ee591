/**
 * Server option defaults and validation: bad values throw here, from
 * `createServer`, naming the option.
 * @module
 */
import type { IncomingMessage } from 'node:http'
import { jsonRpc, jsonRpcCodes } from '../protocol/json-rpc'
import type { Protocol } from '../protocol/protocol'
import type { Codes } from './messages/codes'
import type { Broker } from './topics/broker/broker'
import { memoryBroker } from './topics/broker/memory'
import { createHistory, type HistoryStore } from './topics/history'
import { resolveClientAddress, resolveRateLimit } from './transport/door'
import { resolveAllowedOrigins, type OriginCheck } from './transport/origins'
import { createSessionStore, type SessionStore } from './sessions/store'
import type { SessionLimits } from './sessions/sessions'
import type { Context, MethodHandler, ServerOptions } from './types'

/** @internal */
export interface ResolvedServerOptions<Auth> {
  protocol: Protocol
  /** The protocol's error codes; the ones it leaves out are jsonRpc()'s. */
  codes: Codes
  methods: ReadonlyMap<string, MethodHandler<Auth>>
  history: HistoryStore
  /** The session convention's method names (a protocol may rename them). */
  names: { session: string; ack: string }
  /** Methods whose frames are control frames, for sessions. */
  control: ReadonlySet<string>
  sessions: SessionLimits | false
  heartbeat: number | false
  maxPayload: number
  maxInFlight: number
  maxQueued: number
  maxSubscriptions: number
  maxBufferedAmount: number
  callTimeout: number
  shutdownTimeout: number
  report(err: unknown, ctx?: Context<Auth>): void
  /** Where topic messages are numbered, kept and distributed: the `broker` option, or memory over `history`. */
  broker: Broker
  handshakeTimeout: number
  maxConnectionsPerAddress: number
  clientAddress(request: IncomingMessage): string
  rateLimit: { rate: number; burst: number } | false
  originAllowed: OriginCheck
}

const isStore = (history: unknown): history is HistoryStore => typeof (history as HistoryStore | undefined)?.since == 'function'
const isBroker = (broker: unknown): broker is Broker =>
  ['start', 'publish', 'history', 'broadcast', 'cluster', 'stop'].every((name) => typeof (broker as Record<string, unknown>)[name] == 'function')
const isSessionStore = (store: unknown): store is SessionStore =>
  typeof (store as SessionStore | undefined)?.take == 'function' && typeof (store as SessionStore).save == 'function'

function integer(name: string, value: number | undefined, fallback: number, min = 1): number {
  const resolved = value ?? fallback
  if (!Number.isInteger(resolved) || resolved < min) throw new RangeError(`lifeline-ws/server: ${name} must be an integer >= ${min}`)
  return resolved
}

function resolveSessions(sessions: ServerOptions['sessions']): SessionLimits | false {
  if (sessions === false) return false
  if (sessions !== undefined && (typeof sessions != 'object' || sessions === null)) {
    throw new TypeError('lifeline-ws/server: sessions must be an object or false')
  }
  const store = sessions?.store ?? createSessionStore()
  if (!isSessionStore(store)) throw new TypeError('lifeline-ws/server: sessions.store must have save(state) and take(id)')
  return {
    ttl: integer('sessions.ttl', sessions?.ttl, 120_000),
    maxBytes: integer('sessions.maxBytes', sessions?.maxBytes, 1_048_576),
    ackDelay: integer('sessions.ackDelay', sessions?.ackDelay, 200, 0),
    store,
  }
}

/** @internal */
export function resolveServerOptions<Auth>(options: ServerOptions<Auth>): ResolvedServerOptions<Auth> {
  if (typeof options != 'object' || options === null) throw new TypeError('lifeline-ws/server: options must be an object')
  const modes = [options.port !== undefined, options.server !== undefined, options.noServer === true].filter(Boolean).length
  if (modes !== 1) throw new TypeError('lifeline-ws/server: pass exactly one of port, server or noServer')
  if (options.port !== undefined && !(Number.isInteger(options.port) && options.port >= 0 && options.port < 65536)) {
    throw new RangeError('lifeline-ws/server: port must be an integer in 0..65535')
  }
  const protocol = options.protocol ?? jsonRpc()
  // A protocol may name the session convention's methods; jsonRpc() uses the rpc. names.
  const named = protocol as Protocol & { session?: string; ack?: string }
  const names = { session: named.session ?? 'rpc.session', ack: named.ack ?? 'rpc.ack' }
  const reserved = [protocol.ping, protocol.subscribe, protocol.unsubscribe, protocol.publish, names.session, names.ack]
  // Own keys only: `__proto__`, `constructor` or `toString` never resolve to Object.prototype members.
  const methods = new Map<string, MethodHandler<Auth>>()
  for (const [name, fn] of Object.entries(options.methods ?? {})) {
    if (typeof fn != 'function') throw new TypeError(`lifeline-ws/server: methods.${name} must be a function`)
    if (name.startsWith('rpc.') || reserved.includes(name)) throw new TypeError(`lifeline-ws/server: method name ${name} is reserved`)
    methods.set(name, fn)
  }
  const { history, heartbeat } = options
  if (options.broker !== undefined && (typeof options.broker != 'object' || options.broker === null || !isBroker(options.broker))) {
    throw new TypeError('lifeline-ws/server: broker must be a Broker (memoryBroker() or redisBroker({ url }))')
  }
  const historyStore = isStore(history) ? history : createHistory(history === false ? { limit: 0 } : history)
  // A dialect written before the table grew (or without one) answers with JSON-RPC's codes where it has none.
  const codes: Codes = { ...jsonRpcCodes, ...protocol.codes }
  return {
    protocol,
    codes,
    methods,
    history: historyStore,
    names,
    control: new Set(reserved),
    sessions: resolveSessions(options.sessions),
    heartbeat: heartbeat === false ? false : integer('heartbeat.interval', heartbeat?.interval, 30_000),
    maxPayload: integer('maxPayload', options.maxPayload, 1_048_576),
    maxInFlight: integer('maxInFlight', options.maxInFlight, 32),
    maxQueued: integer('maxQueued', options.maxQueued, 1000, 0),
    maxSubscriptions: integer('maxSubscriptions', options.maxSubscriptions, 1000),
    maxBufferedAmount: integer('maxBufferedAmount', options.maxBufferedAmount, 8_388_608),
    callTimeout: integer('callTimeout', options.callTimeout, 30_000),
    shutdownTimeout: integer('shutdownTimeout', options.shutdownTimeout, 10_000, 0),
    report: options.onError ?? ((err) => console.error('lifeline-ws/server:', err)),
    broker: options.broker ?? memoryBroker(historyStore),
    handshakeTimeout: integer('handshakeTimeout', options.handshakeTimeout, 10_000),
    maxConnectionsPerAddress: integer('maxConnectionsPerAddress', options.maxConnectionsPerAddress, 1000),
    clientAddress: resolveClientAddress(options.clientAddress),
    rateLimit: resolveRateLimit(options.rateLimit),
    originAllowed: resolveAllowedOrigins(options.allowedOrigins),
  }
}
