/**
 * The public shape of a client: the {@link Client} interface and its per-call
 * options. It extends the socket's ({@link Socket}); `client.ts` builds one.
 * @module
 */
import type { HostAbortSignal } from '../host'
import type { Role, SendResult, Socket } from '../socket/types'
import type { Subscription, SubscribeOptions } from './subscriptions'
import type {
  CallArgs, Contract, EventName, EventOf, HandlerName, HandlerOf, MethodName, NotifyArgs, ResultOf, TopicName, TopicOf,
} from './contract'

/** Options of a single `call`. */
export interface CallOptions {
  /** Milliseconds before the call rejects with a TimeoutError, counted from the call. @default the client's callTimeout (30000) */
  timeout?: number
  /** Cancels the call: it rejects with `signal.reason` and a late answer is ignored. @default undefined */
  signal?: HostAbortSignal
  /**
   * Safe to send again: if the socket drops before the answer, the call is re-sent after the reconnect
   * instead of rejecting with ConnectionClosedError. Only for idempotent methods. @default false
   */
  resend?: boolean
}

/** A stream of server events, ended by `return()` (breaking out of `for await`) or by the client closing. */
export type EventStream<T> = AsyncIterableIterator<T>

/**
 * A lifeline client: a {@link Socket} (state, lifecycle events, ready, connect, reconnect, close, send)
 * with RPC on top. Create it with {@link createClient}.
 * @typeParam C - the API contract; without one every payload is `unknown`.
 */
export interface Client<C extends Contract = Contract> extends Socket {
  /**
   * This tab's part in a shared connection (`share` option): `'leader'`, `'follower'`, or `'alone'` when
   * not shared. The `role` event tells changes.
   * @example
   * client.on('role', (role) => console.log('this tab is now', role))
   */
  readonly role: Role
  /**
   * Sends a one-way protocol message (no answer); queued while not open. Throws (like `send`):
   * ClientClosedError after `close()`, a ProtocolError for params the protocol cannot encode.
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
   * Throws ClientClosedError after `close()`.
   * @example
   * const off = client.listen('typing', ({ user }) => showTyping(user))
   * for await (const t of client.listen('typing')) showTyping(t.user)
   */
  listen<K extends EventName<C>>(event: K, handler: (payload: EventOf<C, K>) => void): () => void
  listen<K extends EventName<C>>(event: K): EventStream<EventOf<C, K>>
  /**
   * Subscribes to a server topic; the subscription is re-sent after every reconnect with the last
   * sequence number seen, so missed messages are replayed and duplicates dropped. Throws ClientClosedError
   * after `close()`.
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
   * Throws ClientClosedError after `close()`, a TypeError when the method already has a handler.
   * @example
   * client.handle('client.version', () => '1.2.0')
   */
  handle<K extends HandlerName<C>>(method: K, fn: HandlerOf<C, K>): () => void
}
