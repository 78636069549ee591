/**
 * `createServer`'s options checked and resolved, in every build (the server
 * is not size-bound): an unknown name throws a TypeError with the nearest
 * known one ("did you mean allowedOrigins?"), a value of the wrong kind a
 * TypeError and a number out of range a RangeError, each naming the option.
 * Every option has one rule below, keyed by its typed name, so an option
 * without a rule does not compile. The types are in options.ts.
 * @module
 */
import { jsonRpc, jsonRpcCodes, refuseBinaryAlways } from '../protocol/json-rpc'
import type { Protocol } from '../protocol/protocol'
import type { Contract } from '../protocol/contract'
import { nearest } from '../nearest'
import { systemClock, type Clock } from './clock'
import type { Codes } from './messages/codes'
import { logError } from './notices'
import type { UpgradeRequest } from './context'
import type { ServerHeartbeatOptions, ServerOptions, ServerSessionOptions, SharedServerOptions } from './options'
import type { ResolvedListen, ResolvedServerOptions, ResolvedSessions } from './resolved-options'
import { createSessionStore, type SessionStore } from './sessions/store'
import { memoryBroker } from './topics/broker/memory'
import { createHistory, type HistoryOptions, type HistoryStore } from './topics/history'
import { resolveAllowedOrigins } from './transport/origins'
import type { MethodHandler } from './types'
import { isRecord } from '../checks'
import { describe } from './values'

const PREFIX = 'lifeline-ws/server: '

/** Checks one value (never undefined): throws a TypeError or RangeError naming the option. */
type Rule = (value: unknown, name: string) => void
/** One rule per option: a new option without a rule, or a rule for no option, does not compile. */
type Rules<T> = { [K in keyof Required<T>]: Rule }

/** Check every member of `input` by `rules`; `prefix` names the section (`'sessions.'`). */
function checkMembers<T extends object>(prefix: string, input: T, rules: Rules<T>): void {
  const known = Object.keys(rules)
  for (const [key, value] of Object.entries(input)) {
    if (!known.includes(key)) {
      const guess = nearest(key, known)
      const hint = guess ? `did you mean ${prefix}${guess}?` : `known options: ${known.map((name) => prefix + name).join(', ')}`
      throw new TypeError(`${PREFIX}unknown option ${prefix}${key}; ${hint}`)
    }
    if (value !== undefined) (rules as Record<string, Rule>)[key]!(value, prefix + key)
  }
}

/** An integer of at least `min` (and at most `max`). */
const integer = (min: number, max = Infinity): Rule => (value, name) => {
  if (typeof value != 'number') throw new TypeError(`${PREFIX}${name} must be an integer >= ${min}, got ${describe(value)}`)
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Infinity ? `>= ${min}` : `in ${min}..${max}`
    throw new RangeError(`${PREFIX}${name} must be an integer ${range}, got ${describe(value)}`)
  }
}
const fn: Rule = (value, name) => {
  if (typeof value != 'function') throw new TypeError(`${PREFIX}${name} must be a function, got ${describe(value)}`)
}
const string: Rule = (value, name) => {
  if (typeof value != 'string') throw new TypeError(`${PREFIX}${name} must be a string, got ${describe(value)}`)
}
const oneOf = (...choices: unknown[]): Rule => (value, name) => {
  const listed = choices.map((choice) => (typeof choice == 'string' ? `'${choice}'` : String(choice))).join(' or ')
  if (!choices.includes(value)) throw new TypeError(`${PREFIX}${name} must be ${listed}, got ${describe(value)}`)
}
/** An object with these members, or `false` (turned off): its members checked by their own rules. */
const section = <T extends object>(rules: Rules<T>): Rule => (value, name) => {
  if (value === false) return
  if (!isRecord(value)) throw new TypeError(`${PREFIX}${name} must be an object or false, got ${describe(value)}`)
  checkMembers(`${name}.`, value as T, rules)
}
/** An object whose members `names` are functions (a store, a broker). */
const implementing = (what: string, names: readonly string[]): Rule => (value, name) => {
  const missing = isRecord(value) ? names.filter((member) => typeof value[member] != 'function') : names
  if (missing.length) throw new TypeError(`${PREFIX}${name} must be ${what}; ${describe(value)} lacks ${missing.map((member) => `${member}()`).join(', ')}`)
}

const BROKER = ['start', 'publish', 'history', 'broadcast', 'cluster', 'stop'] as const
const HISTORY_STORE = ['latest', 'append', 'since'] as const
const SESSION_STORE = ['save', 'take'] as const
/** A store, not limits for the built-in one: it has one of a store's methods (and must have them all). */
const isHistoryStore = (value: unknown): value is HistoryStore => isRecord(value) && HISTORY_STORE.some((member) => typeof value[member] == 'function')

const sessionRules: Rules<ServerSessionOptions> = {
  ttl: integer(1),
  maxBytes: integer(1),
  ackDelay: integer(0),
  store: implementing('a SessionStore, like createSessionStore() or redisSessionStore({ url })', SESSION_STORE),
}
const historyRules: Rules<HistoryOptions> = { limit: integer(0), maxAge: integer(0), now: fn }

const rules: Rules<ServerOptions> = {
  port: integer(0, 65535),
  host: string,
  server: implementing('an http or https server', ['on', 'off', 'listenerCount']),
  noServer: oneOf(true),
  path: (value, name) => {
    string(value, name)
    // A path without its slash matches no request's pathname: every upgrade would get 404.
    if (!(value as string).startsWith('/')) throw new TypeError(`${PREFIX}${name} must start with '/', got ${describe(value)}`)
  },
  methods: (value, name) => {
    if (!isRecord(value)) throw new TypeError(`${PREFIX}${name} must be an object of functions, got ${describe(value)}`)
    for (const [method, handler] of Object.entries(value)) fn(handler, `${name}.${method}`)
  },
  authenticate: fn,
  authRejection: oneOf('close', 'http'),
  authorizeSubscribe: fn,
  // Checked, with a message of its own, by resolveAllowedOrigins (transport/origins.ts).
  allowedOrigins: () => {},
  maxPayload: integer(1),
  maxInFlight: integer(1),
  maxQueued: integer(0),
  maxSubscriptions: integer(1),
  maxBufferedAmount: integer(1),
  heartbeat: section<ServerHeartbeatOptions>({ interval: integer(1) }),
  history: (value, name) => {
    if (value === false) return
    if (isHistoryStore(value)) implementing('a HistoryStore', HISTORY_STORE)(value, name)
    else section(historyRules)(value, name)
  },
  callTimeout: integer(1),
  shutdownTimeout: integer(0),
  protocol: (value, name) => {
    const list = Array.isArray(value) ? (value as unknown[]) : [value]
    if (!list.length) throw new TypeError(`${PREFIX}${name} must be a Protocol or a non-empty list of them, got []`)
    list.forEach((dialect, index) => {
      const at = Array.isArray(value) ? `${name}[${index}]` : name
      implementing('a Protocol, like jsonRpc()', ['encode', 'decode'])(dialect, at)
      for (const member of ['ping', 'subscribe', 'unsubscribe', 'publish'] as const) string((dialect as Protocol)[member], `${at}.${member}`)
    })
  },
  sessions: section(sessionRules),
  onConnect: fn,
  onResume: fn,
  onDisconnect: fn,
  onError: fn,
  broker: implementing('a Broker, like memoryBroker() or redisBroker({ url })', BROKER),
  handshakeTimeout: integer(1),
  maxConnectionsPerAddress: integer(1),
  clientAddress: fn,
  rateLimit: section<{ rate?: number; burst?: number }>({ rate: integer(1), burst: integer(1) }),
}

function resolveListen<Auth>(options: ServerOptions<Auth>): ResolvedListen {
  const modes = [options.port !== undefined, options.server !== undefined, options.noServer === true].filter(Boolean).length
  if (modes !== 1) throw new TypeError(`${PREFIX}pass exactly one of port, server or noServer`)
  if (options.port !== undefined) return { port: options.port, host: options.host }
  if (options.host !== undefined) throw new TypeError(`${PREFIX}host goes with port (the server option listens where its http server does)`)
  if (options.server !== undefined) return { server: options.server }
  return { noServer: true }
}

function resolveSessions(sessions: ServerSessionOptions | false | undefined, clock: Clock): ResolvedSessions | false {
  if (sessions === false) return false
  return {
    ttl: sessions?.ttl ?? 120_000,
    maxBytes: sessions?.maxBytes ?? 1_048_576,
    ackDelay: sessions?.ackDelay ?? 200,
    store: (sessions?.store ?? createSessionStore({ now: () => clock.now() })) as SessionStore,
  }
}

/** What every dialect of one server must agree on: routing, sessions and the answers take them from the first. */
const SHARED = ['ping', 'subscribe', 'unsubscribe', 'publish', 'session', 'ack'] as const

/**
 * The `protocol` option as a list, the default first. Several dialects must each have a distinct name
 * (the subprotocol that picks it) and share the conventions' method names and codes.
 */
function resolveDialects(option: Protocol | readonly Protocol[] | undefined): Protocol[] {
  if (option === undefined) return [jsonRpc()]
  const list: Protocol[] = Array.isArray(option) ? [...(option as readonly Protocol[])] : [option as Protocol]
  if (list.length === 1) return list
  const [first] = list as [Protocol]
  const codes = (dialect: Protocol) => JSON.stringify({ ...jsonRpcCodes, ...dialect.codes })
  const seen = new Set<string>()
  list.forEach((dialect, index) => {
    const at = `${PREFIX}protocol[${index}]`
    if (typeof dialect.name !== 'string' || !dialect.name) throw new TypeError(`${at} needs a name (its WebSocket subprotocol) when there are several dialects`)
    if (seen.has(dialect.name)) throw new TypeError(`${at}: two dialects are named ${dialect.name}`)
    seen.add(dialect.name)
    for (const member of SHARED) {
      if (dialect[member] !== first[member]) {
        throw new TypeError(`${at}.${member} is ${String(dialect[member])} and the first dialect's ${String(first[member])}: every dialect must use the same`)
      }
    }
    if (codes(dialect) !== codes(first)) throw new TypeError(`${at}.codes differ from the first dialect's: every dialect must answer with the same codes`)
  })
  return list
}

/**
 * Check every option of `createServer` and give each its default. `clock`: every timer's (clock.ts);
 * the built-in history and session store read their time from it too. An internal parameter, not
 * an option: a simulation passes a virtual clock.
 * @example
 * resolveServerOptions({ port: 8080, allowOrigins: ['https://app.example.com'] })
 * // TypeError: lifeline-ws/server: unknown option allowOrigins; did you mean allowedOrigins?
 * @internal
 */
export function resolveServerOptions<Auth>(options: ServerOptions<Auth>, clock: Clock = systemClock): ResolvedServerOptions<Auth> {
  if (!isRecord(options)) throw new TypeError(`${PREFIX}options must be an object, got ${describe(options)}`)
  checkMembers('', options, rules)
  const listen = resolveListen(options)
  // A JSON client is skipped for bytes (and a handler's bytes refused) in production too (json-rpc.ts).
  refuseBinaryAlways()
  const dialects = resolveDialects(options.protocol)
  const protocol = dialects[0]!
  // A protocol may name the session convention's methods; jsonRpc() uses the rpc. names.
  const names = { session: protocol.session ?? 'rpc.session', ack: protocol.ack ?? 'rpc.ack' }
  const reserved = [protocol.ping, protocol.subscribe, protocol.unsubscribe, protocol.publish, names.session, names.ack]
  // Own keys only: `__proto__`, `constructor` or `toString` never resolve to Object.prototype members.
  const methods = new Map<string, MethodHandler<Auth>>()
  for (const [name, handler] of Object.entries(options.methods ?? {})) {
    if (name.startsWith('rpc.') || reserved.includes(name)) throw new TypeError(`${PREFIX}method name ${name} is reserved`)
    methods.set(name, handler)
  }
  const { history, heartbeat, rateLimit } = options
  const now = () => clock.now()
  const historyStore = isHistoryStore(history) ? history : createHistory(history === false ? { limit: 0, now } : { now, ...history })
  // A dialect written before the table grew (or without one) answers with JSON-RPC's codes where it has none.
  const codes: Codes = { ...jsonRpcCodes, ...protocol.codes }
  // The door calls these with its own transport's request (an IncomingMessage from the ws transport,
  // a WebUpgradeRequest from Deno's and Bun's), typed here as what every transport's request has.
  const { clientAddress, allowedOrigins, authenticate } = options as unknown as Pick<SharedServerOptions<Auth, Contract, UpgradeRequest>, 'clientAddress' | 'allowedOrigins' | 'authenticate'>
  return {
    listen,
    door: {
      path: options.path,
      handshakeTimeout: options.handshakeTimeout ?? 10_000,
      maxConnectionsPerAddress: options.maxConnectionsPerAddress ?? 1000,
      clientAddress: clientAddress ?? ((request) => request.socket.remoteAddress ?? ''),
      originAllowed: resolveAllowedOrigins(allowedOrigins),
      originsByFunction: typeof allowedOrigins == 'function',
      authenticate,
      authRejection: options.authRejection ?? 'close',
      maxPayload: options.maxPayload ?? 1_048_576,
      subprotocols: dialects.flatMap((dialect) => (dialect.name ? [dialect.name] : [])),
    },
    protocol,
    dialects,
    dialectsByName: new Map(dialects.flatMap((dialect) => (dialect.name ? [[dialect.name, dialect] as const] : []))),
    codes,
    names,
    control: new Set(reserved),
    methods,
    limits: {
      maxInFlight: options.maxInFlight ?? 32,
      maxQueued: options.maxQueued ?? 1000,
      maxSubscriptions: options.maxSubscriptions ?? 1000,
      maxBufferedAmount: options.maxBufferedAmount ?? 8_388_608,
      rateLimit: rateLimit === false ? false : { rate: rateLimit?.rate ?? 1000, burst: rateLimit?.burst ?? 10_000 },
    },
    hooks: {
      onConnect: options.onConnect,
      onResume: options.onResume,
      onDisconnect: options.onDisconnect,
      authorizeSubscribe: options.authorizeSubscribe,
    },
    sessions: resolveSessions(options.sessions, clock),
    heartbeat: heartbeat === false ? false : (heartbeat?.interval ?? 30_000),
    callTimeout: options.callTimeout ?? 30_000,
    shutdownTimeout: options.shutdownTimeout ?? 10_000,
    history: historyStore,
    broker: options.broker ?? memoryBroker(historyStore),
    clock,
    report: options.onError ?? logError,
  }
}
