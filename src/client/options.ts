/**
 * Client options: the socket's, plus what RPC needs. Defaults are filled in
 * by the socket's resolveOptions and here; every build refuses number options
 * out of range (socket/ranges.ts), development builds check the rest
 * (socket/validate.ts).
 * @module
 */
import type { HostAbortSignal, HostMessageEvent, HostStorage } from '../host'
import { jsonRpc } from '../protocol/json-rpc'
import type { Protocol } from '../protocol/protocol'
import type { EnvironmentOptions, SocketOptions } from '../socket/options'
import { between, checkRanges, socketRanges } from '../socket/ranges'
import { anything, kind, ranged, section, socketRules, type Rules } from '../socket/validate'

/** What `share` uses of the Web Locks API (`navigator.locks`): an exclusive lock, queued, held while `callback` runs. */
export interface ShareLocks {
  request(name: string, options: { mode: 'exclusive'; signal?: HostAbortSignal }, callback: () => Promise<unknown>): Promise<unknown>
}

/** What `share` uses of a `BroadcastChannel`. */
export interface ShareChannel {
  postMessage(message: unknown): void
  close(): void
  onmessage: ((event: HostMessageEvent) => void) | null
}

/**
 * The client's injected environment: the socket's, plus what `share` uses. Advanced: for tests (fakes of
 * the lock manager and the channel) and unusual hosts.
 * @example
 * createClient(url, { share: true, environment: { locks: fakeLocks, BroadcastChannel: FakeChannel } })
 */
export interface ClientEnvironment extends EnvironmentOptions {
  /** The lock manager that elects the leader tab. @default globalThis.navigator.locks when it exists */
  locks?: ShareLocks | undefined
  /** The channel between tabs. @default globalThis.BroadcastChannel when it exists */
  BroadcastChannel?: (new (name: string) => ShareChannel) | undefined
  /**
   * Where the leader keeps the shared outbox (unless `queue.storage` is given) and the tabs' accepted
   * positions, so that a new leader sends each frame once. @default globalThis.localStorage when it exists
   */
  localStorage?: HostStorage | undefined
}

/**
 * Options of {@link createClient}: every option of `createSocket`, plus the protocol and call defaults.
 * @example
 * createClient('wss://chat.example.com/ws', { heartbeat: { interval: 15000 }, queue: { ttl: 60000 } })
 */
export interface ClientOptions extends SocketOptions {
  /** Default timeout of `call`, ms. @default 30000 */
  callTimeout?: number
  /**
   * The wire format. `false` makes the client a raw socket (no call/notify/listen/subscribe/handle):
   * prefer `createSocket` from `lifeline-ws/socket`, which is that and weighs half. @default jsonRpc()
   */
  protocol?: Protocol | false
  /**
   * One socket for every tab of the origin: tabs with the same URL and the same `share` name elect a
   * leader tab that holds the only socket; the others reach the server through it (docs/sharing.md).
   * `true` is the name `'default'`. Where `navigator.locks` or `BroadcastChannel` is missing, each client
   * keeps its own socket (`client.role` is `'alone'`). Needs `createClient` from `lifeline-ws/share`
   * (or the CDN build): the one from `lifeline-ws` throws a TypeError for it, so that apps that do not
   * share do not carry the code. @default false
   * @example
   * import { createClient } from 'lifeline-ws/share'
   * createClient('wss://chat.example.com/ws', { share: true })
   */
  share?: boolean | string
  /** Injected environment (advanced, for tests and unusual hosts). @default the globals */
  environment?: ClientEnvironment
}

/** The client's own options, resolved. @internal */
export interface ResolvedClient {
  callTimeout: number
  protocol: Protocol | undefined
}

/** The client's number options: the socket's and `callTimeout` (a NaN one would never time out). @internal */
export const clientRanges = { ...socketRanges, callTimeout: between(1, Infinity) }

/**
 * Resolves the client's own options; first refuses, in every build, any number option of the client or its
 * socket out of range (a RangeError naming it), before a socket exists or a tab joins a shared one. @internal
 */
export const resolveClientOptions = (options: ClientOptions): ResolvedClient => {
  checkRanges(options, clientRanges)
  const dialect = options.protocol === false ? undefined : (options.protocol ?? jsonRpc())
  return {
    callTimeout: options.callTimeout ?? 30000,
    protocol: dialect && withCodes(dialect),
  }
}

/**
 * A dialect written before `Protocol.codes` existed (JavaScript: no type check said it was missing)
 * answers with JSON-RPC's codes, as every client did then. Its members are read once and its methods
 * called on it, so a class with getters or private fields keeps working. docs/protocol.md, "Writing a dialect".
 */
const withCodes = (dialect: Protocol): Protocol => {
  if (dialect.codes) return dialect
  const { ping, subscribe, unsubscribe, publish, session, ack } = dialect
  const encode: Protocol['encode'] = (message) => dialect.encode(message)
  const decode: Protocol['decode'] = (frame) => dialect.decode(frame)
  const codes = jsonRpc().codes
  // Absent members stay absent (no session without a session method).
  return Object.assign({ ping, subscribe, unsubscribe, publish, encode, decode, codes }, session === undefined ? {} : { session }, ack === undefined ? {} : { ack })
}

/** Every option of `createClient`, for development-build validation. @internal */
export const clientRules = (): Rules<ClientOptions> => ({
  ...socketRules(),
  callTimeout: ranged(clientRanges),
  protocol: (value, name) => (value === false ? undefined : kind('object')(value, name)),
  share: (value, name) => {
    if (value === '') return 'true, false or a non-empty name'
    if (typeof value != 'boolean' && typeof value != 'string') throw new TypeError(`lifeline: ${name} must be a boolean or a string`)
    return undefined
  },
  environment: section<ClientEnvironment>({
    window: anything, document: anything, navigator: anything, clock: kind('object'), random: kind('function'),
    locks: kind('object'), BroadcastChannel: kind('function'), localStorage: kind('object'),
  }),
})
