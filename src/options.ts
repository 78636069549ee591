/**
 * Client options: their public types, their defaults, and the one place that
 * validates them. Bad values throw here, from `createClient`, naming the option.
 * @module
 */
import { systemClock, type Clock } from './timers'
import { backoff } from './connection/backoff'
import type { Protocol } from './protocol/protocol'
import type { OutboxStorage } from './outbox/storage'

/** A WebSocket constructor: the browser's, Node 22's global, or `ws`'s. */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocket

/** A value, or a function (sync or async) called before every connection attempt. */
export type Provider<T> = T | (() => T | Promise<T>)

/** Where to connect: `ws:`/`wss:` (or `http:`/`https:`, mapped as browsers do). */
export type UrlInput = Provider<string | URL>

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
  /** Cap on any delay, ms. @default 30000 */
  maxDelay?: number
  /** Growth per attempt. @default 2 */
  factor?: number
  /**
   * `'full'`: a uniform random delay in [0, capped]; a number r in [0, 1]:
   * the capped delay minus up to r of it. @default 'full'
   */
  jitter?: 'full' | number
  /** Retries after which the client gives up and closes. @default Infinity */
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

/** The numbers the backoff function works from. */
export interface BackoffOptions {
  initialDelay: number
  maxDelay: number
  factor: number
  jitter: 'full' | number
}

/** Heartbeat settings. `heartbeat: false` turns it off. */
export interface HeartbeatOptions {
  /** Silence (ms) after which a ping probes the connection. @default 25000 */
  interval?: number
  /** How long (ms) to wait for any frame after a ping before the socket is declared dead. @default 10000 */
  timeout?: number
  /** Raw mode only (`protocol: false`): the frame to send as a ping. Without it raw mode sends no pings. @default undefined */
  ping?: string
  /** Raw mode only: an inbound frame equal to this is a pong and is not emitted as `message`. @default undefined */
  pong?: string
}

/** Outbox settings. `queue: false` turns queueing off: sending while not open throws. */
export interface QueueOptions {
  /** Most frames held. @default 1000 */
  maxMessages?: number
  /** Most bytes held (UTF-8 length of text frames, byte length of binary ones). @default 1048576 */
  maxBytes?: number
  /** Frames older than this (ms) are dropped with reason `expired`. @default undefined (no expiry) */
  ttl?: number
  /** What to do when a bound is hit. @default 'drop-oldest' */
  overflow?: 'drop-oldest' | 'drop-newest' | 'error'
  /** Above this many bytes in the socket's own send buffer, frames wait in the outbox. @default 262144 */
  highWaterMark?: number
  /** Persists queued `send`/`notify` frames across page reloads. @default undefined (memory only) */
  storage?: OutboxStorage
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
  window?: EventTarget | undefined
  /** Receives `visibilitychange`; its `visibilityState` is read. @default globalThis.document when it exists */
  document?: (EventTarget & { readonly visibilityState?: string }) | undefined
  /** Its `onLine` is read at start. @default globalThis.navigator when it exists */
  navigator?: { readonly onLine?: boolean } | undefined
  /** Time source for every timer. @default the global timers */
  clock?: Clock
  /** Random source for jitter. @default Math.random */
  random?: () => number
}

/**
 * Options of {@link createClient}.
 * @example
 * createClient('wss://chat.example.com/ws', { heartbeat: { interval: 15000 }, queue: { ttl: 60000 } })
 */
export interface ClientOptions {
  /** The WebSocket constructor. Pass `ws`'s on Node 20. @default globalThis.WebSocket */
  WebSocket?: WebSocketConstructor
  /** Subprotocols, or a provider called before every attempt. @default undefined */
  protocols?: Provider<string | string[] | undefined>
  /** Passed to every socket. @default 'blob' (the browser's default) */
  binaryType?: BinaryType
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
  /** Default timeout of `call`, ms. @default 30000 */
  callTimeout?: number
  /** The wire format; `false` for raw frames only (no call/notify/listen/subscribe/handle). @default jsonRpc() */
  protocol?: Protocol | false
  /** Receives a line per transition. @default undefined (silent) */
  logger?: Logger
  /** Injected environment, for tests and unusual hosts. @default the globals */
  environment?: EnvironmentOptions
}

/** Options after validation, with every default filled in. @internal */
export interface Resolved {
  WebSocket: WebSocketConstructor | undefined
  protocols: Provider<string | string[] | undefined>
  binaryType: BinaryType | undefined
  lazy: boolean
  connectTimeout: number
  reconnect: Required<Omit<ReconnectOptions, 'shouldReconnect'>> & Pick<ReconnectOptions, 'shouldReconnect'> | false
  heartbeat: { interval: number; timeout: number; ping: string | undefined; pong: string | undefined } | false
  queue: Required<Omit<QueueOptions, 'ttl' | 'storage'>> & { ttl: number; storage: OutboxStorage | undefined } | false
  callTimeout: number
  logger: Logger | undefined
  env: { [K in keyof EnvironmentOptions]-?: EnvironmentOptions[K] | (K extends 'clock' | 'random' ? never : undefined) }
}

const fail = (name: string, value: unknown, want: string): never => {
  throw new RangeError(`lifeline: option ${name} must be ${want}, got ${String(value)}`)
}

/** A number option: defaulted, then checked to be a number >= min (Infinity allowed where said). */
const num = (name: string, value: unknown, fallback: number, min = 0, infinite = false): number => {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || Number.isNaN(value) || value < min || (!infinite && !Number.isFinite(value))) {
    fail(name, value, `a ${infinite ? '' : 'finite '}number >= ${min}`)
  }
  return value as number
}

/**
 * Turns a URL into a WebSocket URL, as browsers do: http→ws, https→wss,
 * relative to the page when there is one. Throws a TypeError otherwise.
 * @internal
 */
export function socketUrl(input: string | URL): string {
  const base = (globalThis as { location?: { href?: string } }).location?.href
  let url: URL
  try {
    url = new URL(String(input), base)
  } catch {
    throw new TypeError(`lifeline: invalid URL ${String(input)}`)
  }
  const scheme = { 'http:': 'ws:', 'https:': 'wss:', 'ws:': 'ws:', 'wss:': 'wss:' }[url.protocol]
  if (!scheme) throw new TypeError(`lifeline: URL scheme must be ws:, wss:, http: or https:, got ${url.protocol} in ${String(input)}`)
  url.protocol = scheme
  url.hash = ''
  return url.href
}

/** Validates options and fills in defaults. @internal */
export function resolveOptions(o: ClientOptions = {}): Resolved {
  const g = globalThis as { window?: EventTarget; document?: Resolved['env']['document']; navigator?: { onLine?: boolean } }
  const r = o.reconnect
  const reconnect: Resolved['reconnect'] = r === false ? false : (() => {
    const initialDelay = num('reconnect.initialDelay', r?.initialDelay, 1000)
    const maxDelay = num('reconnect.maxDelay', r?.maxDelay, Math.max(30000, initialDelay))
    if (maxDelay < initialDelay) fail('reconnect.maxDelay', maxDelay, `>= reconnect.initialDelay (${initialDelay})`)
    const jitter = r?.jitter ?? 'full'
    if (jitter !== 'full' && (typeof jitter !== 'number' || !(jitter >= 0 && jitter <= 1))) fail('reconnect.jitter', jitter, "'full' or a number from 0 to 1")
    return {
      initialDelay, maxDelay, jitter,
      factor: num('reconnect.factor', r?.factor, 2, 1),
      maxRetries: num('reconnect.maxRetries', r?.maxRetries, Infinity, 0, true),
      resetAfter: num('reconnect.resetAfter', r?.resetAfter, 5000),
      backoff: r?.backoff ?? backoff,
      ...(r?.shouldReconnect ? { shouldReconnect: r.shouldReconnect } : {}),
    }
  })()
  const h = o.heartbeat
  const q = o.queue
  const overflow = q ? q.overflow ?? 'drop-oldest' : 'drop-oldest'
  if (!['drop-oldest', 'drop-newest', 'error'].includes(overflow)) fail('queue.overflow', overflow, "'drop-oldest', 'drop-newest' or 'error'")
  const onClose = q ? q.onClose ?? 'flush' : 'flush'
  if (onClose !== 'flush' && onClose !== 'discard') fail('queue.onClose', onClose, "'flush' or 'discard'")
  if (o.WebSocket !== undefined && typeof o.WebSocket !== 'function') throw new TypeError('lifeline: option WebSocket must be a WebSocket constructor')
  const WS = o.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket
  return {
    WebSocket: WS,
    protocols: o.protocols,
    binaryType: o.binaryType,
    lazy: !!o.lazy,
    connectTimeout: num('connectTimeout', o.connectTimeout, 10000, 1),
    reconnect,
    heartbeat: h === false ? false : {
      interval: num('heartbeat.interval', h?.interval, 25000, 1),
      timeout: num('heartbeat.timeout', h?.timeout, 10000, 1),
      ping: h?.ping,
      pong: h?.pong,
    },
    queue: q === false ? false : {
      maxMessages: num('queue.maxMessages', q?.maxMessages, 1000, 1, true),
      maxBytes: num('queue.maxBytes', q?.maxBytes, 1 << 20, 1, true),
      ttl: num('queue.ttl', q?.ttl, Infinity, 1, true),
      highWaterMark: num('queue.highWaterMark', q?.highWaterMark, 1 << 18, 0, true),
      overflow, onClose,
      storage: q?.storage,
    },
    callTimeout: num('callTimeout', o.callTimeout, 30000, 1, true),
    logger: o.logger,
    env: {
      window: g.window, document: g.document, navigator: g.navigator,
      ...o.environment,
      clock: o.environment?.clock ?? systemClock,
      random: o.environment?.random ?? Math.random,
    },
  }
}
