/**
 * The public shape of a client: the {@link Client} interface, its per-call
 * options and its lifecycle events. `client.ts` builds one; this file only
 * describes it.
 * @module
 */
import type { ClientCloseEvent, ReconnectingInfo, State } from './connection/reconnect'
import type { DropReason, Frame } from './outbox/outbox'
import type { Subscription, SubscribeOptions } from './rpc/subscriptions'
import type {
  CallArgs, Contract, EventName, EventOf, HandlerName, HandlerOf, MethodName, NotifyArgs, ResultOf, TopicName, TopicOf,
} from './contract'

/** Options of a single `call`. */
export interface CallOptions {
  /** Milliseconds before the call rejects with a TimeoutError, counted from the call. @default the client's callTimeout (30000) */
  timeout?: number
  /** Cancels the call: it rejects with `signal.reason` and a late answer is ignored. @default undefined */
  signal?: AbortSignal
  /**
   * Safe to send again: if the socket drops before the answer, the call is re-sent after the reconnect
   * instead of rejecting with ConnectionClosedError. Only for idempotent methods. @default false
   */
  resend?: boolean
}

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

/** Lifecycle events of `client.on`. Server-pushed events never arrive here; see `listen`. */
export interface LifecycleEvents {
  /** Every state change. */
  state: (state: State, prev: State) => void
  /** A socket opened (after resubscription and the outbox flush). */
  open: () => void
  /** A socket closed; `willReconnect` says whether a retry follows, `why` says why not. */
  close: (event: ClientCloseEvent) => void
  /** A retry is scheduled after `delay` ms. */
  reconnecting: (info: ReconnectingInfo) => void
  /** Something failed that no promise could carry: a bad frame, a throwing handler, a storage failure. */
  error: (error: unknown) => void
  /** The outbox dropped frames. */
  drop: (event: DropEvent) => void
  /** Every inbound frame, as the socket delivered it. */
  message: (data: unknown) => void
}

/** A stream of server events, ended by `return()` (breaking out of `for await`) or by the client closing. */
export type EventStream<T> = AsyncIterableIterator<T>

/**
 * A lifeline client. Create it with {@link createClient}.
 * @typeParam C - the API contract; without one every payload is `unknown`.
 */
export interface Client<C extends Contract = Contract> {
  /** The current state: 'idle' (lazy, not started), 'connecting', 'open', 'reconnecting' or 'closed' (final). */
  readonly state: State
  /** The subprotocol the server chose ('' when none). */
  readonly subprotocol: string
  /** Frames waiting in the outbox. */
  readonly queued: number
  /**
   * Listens to a lifecycle event; returns the unsubscribe function.
   * @example
   * const off = client.on('state', (state, prev) => console.log(prev, '->', state))
   */
  on<K extends keyof LifecycleEvents>(event: K, listener: LifecycleEvents[K]): () => void
  /**
   * Resolves on the next open (at once if open); rejects with ClientClosedError once the client is closed for good.
   * @example
   * await client.ready()
   */
  ready(): Promise<void>
  /** Starts a lazy client; does nothing otherwise. @example client.connect() */
  connect(): void
  /** Drops the socket now and reconnects at once with the backoff reset. @example client.reconnect() */
  reconnect(): void
  /**
   * Closes for good: no more retries, every pending call rejects with ClientClosedError.
   * Queued frames follow `queue.onClose`.
   * @example
   * client.close(1000, 'logout')
   */
  close(code?: number, reason?: string): void
  /**
   * Sends a raw frame now, or queues it while not open.
   * @example
   * client.send(JSON.stringify({ x, y }), { queue: false }) // volatile: dropped rather than queued
   */
  send(data: Frame, options?: SendOptions): SendResult
  /**
   * Sends a one-way protocol message (no answer); queued while not open.
   * @example
   * client.notify('typing', { room: 'lobby' })
   */
  notify<K extends MethodName<C>>(method: K, ...params: NotifyArgs<C, K>): SendResult
  /**
   * Calls a method and resolves with its result. Rejects with RpcError, TimeoutError,
   * ConnectionClosedError, ClientClosedError, QueueFullError or the signal's reason.
   * @example
   * const { members } = await client.call('room.join', { room: 'lobby' }, { timeout: 5000 })
   */
  call<K extends MethodName<C>>(method: K, ...args: CallArgs<C, K, CallOptions>): Promise<ResultOf<C, K>>
  /**
   * Handles a server-pushed event; returns the unlisten function. Without a handler, returns a stream for `for await`.
   * @example
   * const off = client.listen('typing', ({ user }) => showTyping(user))
   * for await (const t of client.listen('typing')) showTyping(t.user)
   */
  listen<K extends EventName<C>>(event: K, handler: (payload: EventOf<C, K>) => void): () => void
  listen<K extends EventName<C>>(event: K): EventStream<EventOf<C, K>>
  /**
   * Subscribes to a server topic; the subscription is re-sent after every reconnect with the last
   * sequence number seen, so missed messages are replayed and duplicates dropped.
   * @example
   * const sub = client.subscribe('prices', (tick) => draw(tick))
   * await sub.ready
   * sub.unsubscribe()
   */
  subscribe<K extends TopicName<C>>(
    topic: K,
    handler?: (data: TopicOf<C, K>, meta: { topic: string; seq?: number }) => void,
    options?: SubscribeOptions,
  ): Subscription<TopicOf<C, K>>
  /**
   * Answers requests the server sends to the client; returns the function that stops handling.
   * @example
   * client.handle('client.version', () => '1.2.0')
   */
  handle<K extends HandlerName<C>>(method: K, fn: HandlerOf<C, K>): () => void
}
