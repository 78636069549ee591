/**
 * The stores, with the client taken from the context unless given: the
 * framework-neutral stores of `lifeline-ws/store`, which already are Svelte
 * stores (`$topic` works in Svelte 4 and 5).
 * @module
 */
import type { Client, Contract, EventName, EventOf, MethodName, State, TopicName, TopicOf } from '../index'
import {
  callStore, connectionStore, eventStore, topicStore,
  type CallRequest, type CallStore, type EventStore, type LatestTopicOptions, type Readable, type ReducedTopicOptions, type TopicStore,
} from '../store/index'
import { getLifeline } from './context'

/** Options of {@link topic}: the store's, and the client. */
export type TopicOptions<O, C extends Contract> = O & {
  /** The client. @default the one `setLifeline` set */
  client?: Client<C>
}

/** Options of {@link call}: the request's options, and the client. */
export interface CallOptions<C extends Contract> extends Omit<CallRequest<C>, 'method' | 'params'> {
  /** The client. @default the one `setLifeline` set */
  client?: Client<C>
}

/**
 * The connection state as a store (`$state` is `'idle'`, `'connecting'`, `'open'`,
 * `'reconnecting'` or `'closed'`).
 * @param client - @default the one `setLifeline` set
 * @example
 * const state = connectionState()
 * // <span class={$state}>{$state}</span>
 */
export function connectionState<C extends Contract = Contract>(client?: Client<C>): Readable<State> {
  return connectionStore(getLifeline(client))
}

/**
 * A server topic as a store: `$room` is `{ data, seq, gaps, status, error }`, the latest message
 * (or, with `reducer`, the state folded over its messages). It subscribes a microtask after its
 * first subscriber, so a server render (which subscribes and unsubscribes within the render)
 * subscribes to nothing; stores on one topic share one server subscription.
 * @example
 * const room = topic('room:lobby')
 * const log = topic('room:lobby', { initial: [] as string[], reducer: (lines, message) => [...lines, message.text] })
 */
export function topic<C extends Contract = Contract, K extends TopicName<C> = TopicName<C>, S = unknown>(
  name: K, options: TopicOptions<ReducedTopicOptions<TopicOf<C, K>, S>, C>): TopicStore<S>
export function topic<C extends Contract = Contract, K extends TopicName<C> = TopicName<C>>(
  name: K, options: TopicOptions<LatestTopicOptions<TopicOf<C, K>> & { initial: TopicOf<C, K> }, C>): TopicStore<TopicOf<C, K>>
export function topic<C extends Contract = Contract, K extends TopicName<C> = TopicName<C>>(
  name: K, options?: TopicOptions<LatestTopicOptions<TopicOf<C, K>>, C>): TopicStore<TopicOf<C, K> | undefined>
export function topic(name: string, options: TopicOptions<LatestTopicOptions<unknown>, Contract> = {}): TopicStore<unknown> {
  const { client, ...rest } = options
  return topicStore(getLifeline(client), name, rest)
}

/**
 * A server event as a store: `$typing` is the latest payload (`undefined` before the first);
 * `typing.listen(handler)` hears every one. On a closed client it hears nothing.
 * @param client - @default the one `setLifeline` set
 * @example
 * const typing = event('typing')
 * onMount(() => typing.listen(({ user }) => console.log(user, 'is typing')))
 */
export function event<C extends Contract = Contract, K extends EventName<C> = EventName<C>>(name: K, client?: Client<C>): EventStore<EventOf<C, K>> {
  return eventStore(getLifeline(client), name)
}

/**
 * A method call as a store: `$history` is `{ data, error, loading }`; `history.refetch()` calls
 * again and `history.change({ method, params })` moves it to a new request (or make a new store:
 * `$derived(call(...))` in Svelte 5, `$: history = call(...)` in Svelte 4). It calls a microtask
 * after its first subscriber and aborts (its `AbortSignal`) when superseded or when the last
 * subscriber leaves; a late answer never shows.
 * @example
 * const history = call('room.history', { room: 'lobby' }, { timeout: 5000 })
 */
export function call<C extends Contract = Contract, K extends MethodName<C> = MethodName<C>>(
  method: K,
  params: CallRequest<C, K>['params'],
  options: CallOptions<C> = {},
): CallStore<C, K> {
  const { client, ...rest } = options
  return callStore(getLifeline(client), { ...rest, method, params } as CallRequest<C, K>)
}
