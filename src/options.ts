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
  lazy: boolean | undefined
  connectTimeout: number
  reconnect: Required<Omit<ReconnectOptions, 'shouldReconnect'>> & Pick<ReconnectOptions, 'shouldReconnect'> | false
  heartbeat: { interval: number; timeout: number; ping?: string | undefined; pong?: string | undefined } | false
  queue: Required<Omit<QueueOptions, 'ttl' | 'storage'>> & { ttl: number; storage?: OutboxStorage | undefined } | false
  callTimeout: number
  logger: Logger | undefined
  env: { [K in keyof EnvironmentOptions]-?: EnvironmentOptions[K] | (K extends 'clock' | 'random' ? never : undefined) }
}

const fail = (name: string, want: string): never => {
  throw new RangeError(`lifeline: ${name} must be ${want}`)
}

/** A number option: [name, default, minimum, Infinity allowed]. */
type Row = [string, number, number, boolean?]

/**
 * Copies one section of the options (so keys without a row pass through),
 * fills in its number defaults and checks each against its row.
 */
const section = (prefix: string, input: object | undefined, rows: Row[]): Record<string, unknown> => {
  const out: Record<string, unknown> = { ...input }
  for (const [key, fallback, min, infinite] of rows) {
    const value = (out[key] ??= fallback)
    if (typeof value != 'number' || !(value >= min) || (!infinite && value == Infinity)) {
      fail(prefix + key, `a ${infinite ? '' : 'finite '}number >= ${min}`)
    }
  }
  return out
}

/** Fills in a string option with its first choice and checks it is one of them. */
const oneOf = (options: Record<string, unknown>, name: string, choices: string[]) => {
  if (!choices.includes((options[name] ??= choices[0]) as string)) fail('queue.' + name, choices.join(' or '))
}

/**
 * Turns a URL into a WebSocket URL, as browsers do: http→ws, https→wss,
 * relative to the page when there is one. Throws a TypeError otherwise
 * (the URL constructor's own for a URL that does not parse).
 * @internal
 */
export function socketUrl(input: string | URL): string {
  const url = new URL(input, (globalThis as { location?: { href: string } }).location?.href)
  url.protocol = url.protocol.replace('http', 'ws')
  if (!/^wss?:$/.test(url.protocol)) throw new TypeError(`lifeline: URL scheme must be ws(s) or http(s): ${input}`)
  url.hash = ''
  return url.href
}

/** Validates options and fills in defaults. @internal */
export function resolveOptions(options: ClientOptions = {}): Resolved {
  const g = globalThis as Partial<Resolved['env']> & { WebSocket?: WebSocketConstructor }
  const { reconnect: r, heartbeat, queue } = options
  const o = section('', options, [['connectTimeout', 10000, 1], ['callTimeout', 30000, 1, true]])
  const WS = (o.WebSocket ??= g.WebSocket)
  if (WS !== undefined && typeof WS != 'function') throw new TypeError('lifeline: WebSocket must be a constructor')
  o.env = { window: g.window, document: g.document, navigator: g.navigator, clock: systemClock, random: Math.random, ...options.environment }
  if (r !== false) {
    // maxDelay defaults to initialDelay when that is larger than 30000.
    const re = (o.reconnect = section('reconnect.', { maxDelay: Math.max(30000, r?.initialDelay ?? 0), ...r }, [
      ['initialDelay', 1000, 0],
      ['maxDelay', 30000, 0],
      ['factor', 2, 1],
      ['maxRetries', Infinity, 0, true],
      ['resetAfter', 5000, 0],
    ])) as Exclude<Resolved['reconnect'], false>
    re.backoff ??= backoff
    const jitter = (re.jitter ??= 'full')
    if (jitter != 'full' && !(typeof jitter == 'number' && jitter >= 0 && jitter <= 1)) fail('reconnect.jitter', "'full' or 0 to 1")
    if (re.maxDelay < re.initialDelay) fail('reconnect.maxDelay', '>= initialDelay')
  }
  if (heartbeat !== false) o.heartbeat = section('heartbeat.', heartbeat, [['interval', 25000, 1], ['timeout', 10000, 1]])
  if (queue !== false) {
    const q = (o.queue = section('queue.', queue, [
      ['maxMessages', 1000, 1, true],
      ['maxBytes', 1 << 20, 1, true],
      ['ttl', Infinity, 1, true],
      ['highWaterMark', 1 << 18, 0, true],
    ]))
    oneOf(q, 'overflow', ['drop-oldest', 'drop-newest', 'error'])
    oneOf(q, 'onClose', ['flush', 'discard'])
  }
  return o as unknown as Resolved
}
