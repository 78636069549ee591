/**
 * The public shape of a socket: the {@link Socket} interface, its per-send
 * options and its lifecycle events. socket.ts builds one; the client's
 * interface extends it.
 * @module
 */
import type { ClientCloseEvent, ReconnectingInfo, State } from './reconnect'
import type { DropReason, Frame } from './outbox'

/** Options of a single `send`. */
export interface SendOptions {
  /** `false`: drop the frame instead of queueing it when it cannot be written now (for volatile data). @default true */
  queue?: boolean
}

/** What happened to a sent frame: written to the socket, waiting in the outbox, or dropped. */
export type SendResult = 'sent' | 'queued' | 'dropped'

/** Frames the outbox dropped, and why. */
export interface DropEvent {
  items: Frame[]
  reason: DropReason
}

/** Lifecycle events of `on`. Server-pushed data never arrives here but as `message` frames. */
export interface LifecycleEvents {
  /** Every state change. */
  state: (state: State, prev: State) => void
  /** A socket opened (after the outbox flush). */
  open: () => void
  /** A socket closed; `willReconnect` says whether a retry follows, `why` says why not. */
  close: (event: ClientCloseEvent) => void
  /** A retry is scheduled after `delay` ms. */
  reconnecting: (info: ReconnectingInfo) => void
  /**
   * Something failed that no promise could carry: the first failed attempt of a socket that never opened
   * (a `ConnectError`), a bad frame, a throwing handler, a storage failure.
   */
  error: (error: unknown) => void
  /** The outbox dropped frames. */
  drop: (event: DropEvent) => void
  /** Every inbound frame, as the socket delivered it (a raw heartbeat pong excepted). */
  message: (data: unknown) => void
  /**
   * `createClient` only, with a server that keeps sessions (docs/protocol.md, "Sessions"): the handshake
   * on an open was answered. `resumed: false` after an earlier session means the server lost it: frames
   * it may have had come back in a `drop` event with reason `'unknown'`, and calls already written reject
   * with OutcomeUnknownError (see docs/delivery.md, "Frames in doubt").
   */
  session: (event: SessionEvent) => void
  /**
   * `createClient` with `share` only: this tab's part changed (docs/sharing.md). A sharing tab starts as
   * `'follower'` while the election runs.
   */
  role: (role: Role, prev: Role) => void
}

/**
 * A client's part in a shared connection (`share` option): `'leader'` holds the socket for every tab,
 * `'follower'` reaches the server through the leader, `'alone'` is not shared (the option is off, or
 * the browser lacks `navigator.locks` or `BroadcastChannel`).
 */
export type Role = 'leader' | 'follower' | 'alone'

/** Payload of the `session` event. */
export interface SessionEvent {
  /** The session id the server gave. */
  id: string
  /** True when the session went on from where it was; false for a new one. */
  resumed: boolean
}

/**
 * A reliable raw socket. Create it with `createSocket`; a lifeline client is one too, with RPC on top.
 * @example
 * const socket = createSocket('wss://feed.example.com/ws')
 * socket.on('message', (data) => render(data))
 * socket.send('hello')
 */
export interface Socket {
  /** The current state: 'idle' (lazy, not started), 'connecting', 'open', 'reconnecting' or 'closed' (final). */
  readonly state: State
  /** The subprotocol the server chose ('' when none). */
  readonly subprotocol: string
  /** Frames waiting in the outbox (written frames held for confirmation not counted). */
  readonly queued: number
  /**
   * Listens to a lifecycle event; returns the unsubscribe function.
   * @example
   * const off = socket.on('state', (state, prev) => console.log(prev, '->', state))
   */
  on<K extends keyof LifecycleEvents>(event: K, listener: LifecycleEvents[K]): () => void
  /**
   * Resolves on the next open (at once if open); rejects with ClientClosedError once closed for good.
   * @example
   * await socket.ready()
   */
  ready(): Promise<void>
  /** Starts a lazy socket; does nothing otherwise. @example socket.connect() */
  connect(): void
  /** Drops the socket now and reconnects at once with the backoff reset. @example socket.reconnect() */
  reconnect(): void
  /**
   * Closes for good: no more retries; pending promises reject with ClientClosedError.
   * Queued frames follow `queue.onClose`. Throws a RangeError for a code other than 1000 or 3000–4999.
   * @example
   * socket.close(1000, 'logout')
   */
  close(code?: number, reason?: string): void
  /**
   * Sends a raw frame now, or queues it while not open. Throws ClientClosedError after `close()`,
   * ConnectionClosedError when not open with `queue: false`, QueueFullError under overflow 'error'.
   * @example
   * socket.send(JSON.stringify({ x, y }), { queue: false }) // volatile: dropped rather than queued
   */
  send(data: Frame, options?: SendOptions): SendResult
}
