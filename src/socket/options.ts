/**
 * Socket options: their public types, their defaults, and how they are
 * resolved. Validation with messages that name the option lives in
 * validate.ts and runs in development builds only.
 * @module
 */
import type { HostBinaryType, HostEventTarget, HostUrl, HostWebSocket } from '../host'
import { systemClock, type Clock } from '../timers'
import { backoff, type BackoffOptions } from './backoff'
import type { QueueStorage } from './persist'

/** A WebSocket constructor: the browser's, Node 22's global, or `ws`'s. */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => HostWebSocket

/** A value, or a function (sync or async) called before every connection attempt. */
export type Provider<T> = T | (() => T | Promise<T>)

/** Where to connect: `ws:`/`wss:` (or `http:`/`https:`, mapped as browsers do). */
export type UrlInput = Provider<string | HostUrl>

/** What a socket close looked like; passed to `shouldReconnect` and the `close` event. */
export interface CloseInfo {
  /** The close code (1006 when the socket failed without a close frame). */
  code: number
  reason: string
  wasClean: boolean
}

/** Reconnect settings. `reconnect: false` turns reconnecting off. */
export interface ReconnectOptions {
  /** Delay before the first retry, ms. @default 1000 */
  initialDelay?: number
  /** Cap on any delay, ms. @default 30000 (or initialDelay, when larger) */
  maxDelay?: number
  /** Growth per attempt. @default 2 */
  factor?: number
  /**
   * `'full'`: a uniform random delay in [0, capped]; a number r in [0, 1]:
   * the capped delay minus up to r of it. @default 'full'
   */
  jitter?: 'full' | number
  /** Retries after which the socket gives up and closes. @default Infinity */
  maxRetries?: number
  /** A connection must stay open this long (ms) before the attempt count resets. @default 5000 */
  resetAfter?: number
  /**
   * Overrides the close-code table: return true to retry after this close.
   * @default undefined (the table in docs/connection.md decides)
   * @example
   * shouldReconnect: (close) => close.code !== 4001
   */
  shouldReconnect?: (close: CloseInfo, attempt: number) => boolean
  /**
   * Replaces the delay function, for tests or custom schedules.
   * @default backoff (full jitter, exported by lifeline)
   */
  backoff?: (attempt: number, options: BackoffOptions, random: () => number) => number
}

/** Heartbeat settings. `heartbeat: false` turns it off. */
export interface HeartbeatOptions {
  /** Silence (ms) after which a ping probes the connection. @default 25000 */
  interval?: number
  /** How long (ms) to wait for any frame after a ping before the socket is declared dead. @default 10000 */
  timeout?: number
  /**
   * Raw frames only (`createSocket`, or `protocol: false`): the frame to send as a ping. Without it a raw
   * socket sends no pings, since silence alone proves nothing. @default undefined
   */
  ping?: string
  /** Raw frames only: an inbound frame equal to this is a pong and is not emitted as `message`. @default undefined */
  pong?: string
}

/** Outbox settings. `queue: false` turns queueing off: sending while not open throws. */
export interface QueueOptions {
  /** Most frames held, queued and written-but-unconfirmed together. @default 1000 */
  maxMessages?: number
  /** Most bytes held (UTF-8 length of text frames, byte length of binary ones). @default 1048576 */
  maxBytes?: number
  /** Frames older than this (ms) are dropped with reason `expired`. @default undefined (no expiry) */
  ttl?: number
  /** What to do when a bound is hit. @default 'drop-oldest' */
  overflow?: 'drop-oldest' | 'drop-newest' | 'error'
  /** Above this many bytes in the socket's own send buffer, frames wait in the outbox. @default 262144 */
  highWaterMark?: number
  /**
   * Persists queued `send`/`notify` frames across page reloads: `localStorageOutbox(key)`,
   * `indexedDbOutbox(name)`, or `persistOutbox(backend)` for a backend of your own.
   * @default undefined (memory only)
   */
  storage?: QueueStorage
  /**
   * On `close()`: `'flush'` writes what it can if the socket is open and drops the rest from memory
   * (persisted copies stay in storage); `'discard'` drops everything, storage included. @default 'flush'
   */
  onClose?: 'flush' | 'discard'
}

/** A logger: `console` works. Gets one line per state transition, with its reason. */
export interface Logger {
  debug(message: string, ...details: unknown[]): void
}

/** Event targets lifeline listens to for network and visibility changes. */
export interface EnvironmentOptions {
  /** Receives `online`, `offline`, `pageshow`. @default globalThis.window when it exists */
  window?: HostEventTarget | undefined
  /** Receives `visibilitychange`; its `visibilityState` is read. @default globalThis.document when it exists */
  document?: (HostEventTarget & { readonly visibilityState?: string }) | undefined
  /** Its `onLine` is read at start. @default globalThis.navigator when it exists */
  navigator?: { readonly onLine?: boolean } | undefined
  /** Time source for every timer. @default the global timers */
  clock?: Clock
  /** Random source for jitter. @default Math.random */
  random?: () => number
}

/**
 * Options of `createSocket` (and, with a few more, of `createClient`).
 * @example
 * createSocket('wss://feed.example.com/ws', { heartbeat: { ping: 'ping', pong: 'pong' }, queue: { ttl: 60000 } })
 */
export interface SocketOptions {
  /** The WebSocket constructor. On Node 20, `import WebSocket from 'ws'` and pass it. @default globalThis.WebSocket */
  WebSocket?: WebSocketConstructor
  /** Subprotocols, or a provider called before every attempt. @default undefined */
  protocols?: Provider<string | string[] | undefined>
  /** Passed to every socket. @default 'blob' (the browser's default) */
  binaryType?: HostBinaryType
  /** Wait for `connect()` instead of connecting at once. @default false */
  lazy?: boolean
  /** A socket still connecting after this many ms is abandoned and retried. @default 10000 */
  connectTimeout?: number
  /** @default {} (every default of {@link ReconnectOptions}) */
  reconnect?: ReconnectOptions | false
  /** @default {} (every default of {@link HeartbeatOptions}) */
  heartbeat?: HeartbeatOptions | false
  /** @default {} (every default of {@link QueueOptions}) */
  queue?: QueueOptions | false
  /** Receives a line per transition. @default undefined (silent) */
  logger?: Logger
  /** Injected environment, for tests and unusual hosts. @default the globals */
  environment?: EnvironmentOptions
}

/** Resolved reconnect options. @internal */
export type ResolvedReconnect = Required<Omit<ReconnectOptions, 'shouldReconnect'>> & { shouldReconnect?: ReconnectOptions['shouldReconnect'] | undefined }
/** Resolved heartbeat options. @internal */
export interface ResolvedHeartbeat {
  interval: number
  timeout: number
  ping?: string | undefined
  pong?: string | undefined
}
/** Resolved queue options. @internal */
export type ResolvedQueue = Required<Omit<QueueOptions, 'storage'>> & { storage?: QueueStorage | undefined }
/** The environment, every member filled in (window, document, navigator may be missing). @internal */
export interface ResolvedEnvironment {
  window: HostEventTarget | undefined
  document: EnvironmentOptions['document']
  navigator: EnvironmentOptions['navigator']
  clock: Clock
  random: () => number
}

/**
 * Socket options with every default filled in. Never changed once resolved. The options without a
 * default (`protocols`, `binaryType`, `logger`) are passed through as given. @internal
 */
export interface Resolved extends Pick<SocketOptions, 'protocols' | 'binaryType' | 'logger'> {
  WebSocket: WebSocketConstructor | undefined
  connectTimeout: number
  reconnect: ResolvedReconnect | false
  heartbeat: ResolvedHeartbeat | false
  queue: ResolvedQueue | false
  env: ResolvedEnvironment
}

/**
 * Turns a URL into a WebSocket URL, as browsers do: http→ws, https→wss, the fragment dropped. On a
 * page (a browser, a worker) the URL resolves against it; elsewhere it must be absolute, and is read
 * as text, never through `URL`'s parts: React Native's `URL` has no setters, throws "not implemented"
 * from its getters before 0.80, and some versions append a `/` to a query. Throws a TypeError otherwise.
 * @internal
 */
export function socketUrl(input: string | HostUrl): string {
  const page = (globalThis as { location?: { href: string } }).location?.href
  const href = page ? new URL(input as string | URL, page).href : String(input)
  const parts = /^(?:http|ws)(s?):\/\/([^#]+)/i.exec(href)
  if (!parts) throw new TypeError(`lifeline: not an absolute ws(s) or http(s) URL: ${String(input)}`)
  return `ws${parts[1]!.toLowerCase()}://${parts[2]}`
}

/** Members of `input` that are set, over `defaults`: an explicit `undefined` keeps the default. */
const withDefaults = <T extends object>(defaults: T, input: Partial<T>): T => {
  const result = { ...defaults }
  for (const key of Object.keys(input) as Array<keyof T>) {
    if (input[key] !== undefined) result[key] = input[key] as T[keyof T]
  }
  return result
}

/** The reconnect defaults (docs/connection.md lists them; a test checks the two agree). */
const reconnectDefaults: ResolvedReconnect = {
  initialDelay: 1000,
  maxDelay: 30000,
  factor: 2,
  jitter: 'full',
  maxRetries: Infinity,
  resetAfter: 5000,
  backoff,
}
// A large initialDelay lifts the default cap with it, so the first delay is not cut short.
const resolveReconnect = (input: ReconnectOptions): ResolvedReconnect =>
  withDefaults({ ...reconnectDefaults, maxDelay: Math.max(reconnectDefaults.maxDelay, input.initialDelay ?? 0) }, input)
// Options without a default (shouldReconnect, ping, pong, storage) are left out of the tables: absent is their default.
const heartbeatDefaults: ResolvedHeartbeat = { interval: 25000, timeout: 10000 }
const queueDefaults: ResolvedQueue = {
  maxMessages: 1000,
  maxBytes: 1 << 20,
  ttl: Infinity,
  overflow: 'drop-oldest',
  highWaterMark: 1 << 18,
  onClose: 'flush',
}

/**
 * Fills in every default. Reads the globals (WebSocket, window, document,
 * navigator) now, so it runs when a socket is created, never at import.
 * @param canPing the layer above can make the peer answer (a protocol ping); without it the heartbeat
 *   needs a raw `ping` frame, and is off when there is none, since silence alone proves nothing
 * @internal
 */
export function resolveOptions(options: SocketOptions = {}, canPing = false): Resolved {
  const globals = globalThis as { WebSocket?: WebSocketConstructor; window?: HostEventTarget; document?: ResolvedEnvironment['document']; navigator?: ResolvedEnvironment['navigator'] }
  const { reconnect, heartbeat, queue, environment } = options
  return {
    // protocols, binaryType and logger have no default: they pass through (so do the others, replaced below).
    ...options,
    WebSocket: options.WebSocket ?? globals.WebSocket,
    connectTimeout: options.connectTimeout ?? 10000,
    reconnect: reconnect === false ? false : resolveReconnect(reconnect ?? {}),
    heartbeat: heartbeat === false || (!canPing && heartbeat?.ping === undefined) ? false : withDefaults(heartbeatDefaults, heartbeat ?? {}),
    queue: queue === false ? false : withDefaults(queueDefaults, queue ?? {}),
    env: {
      window: globals.window,
      document: globals.document,
      navigator: globals.navigator,
      clock: systemClock,
      random: Math.random,
      ...environment,
    },
  }
}
