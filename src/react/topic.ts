/**
 * `useTopic`: the latest message of a server topic (or a value reduced over
 * its messages), with its sequence number and status: `topicStore` of
 * `lifeline-ws/store` on `useSyncExternalStore`.
 * @module
 */
import { useMemo, useSyncExternalStore } from 'react'
import type { Client, Contract, TopicMeta, TopicName, TopicOf } from '../index'
import { topicStore, type TopicState, type TopicStore, type TopicOptionsBase as StoreOptionsBase, type ReducedTopicOptions as StoreReducedOptions, type LatestTopicOptions as StoreLatestOptions } from '../store/index'
import { useLifeline } from './context'
import { useLatest } from './latest'

export type { TopicState, TopicStatus } from '../store/index'

/** Options every form of {@link useTopic} takes: the store's (`params`), and the client. */
export interface TopicOptionsBase<C extends Contract> extends StoreOptionsBase {
  /** The client. @default the nearest `<LifelineProvider>`'s */
  client?: Client<C>
}

/** Options of {@link useTopic} with a reducer (`reducer`, required `initial`). */
export type ReducedTopicOptions<T, S, C extends Contract> = StoreReducedOptions<T, S> & TopicOptionsBase<C>

/** Options of {@link useTopic} without a reducer (`initial`, default `undefined`). */
export type LatestTopicOptions<T, C extends Contract> = StoreLatestOptions<T> & TopicOptionsBase<C>

type Reducer = (state: unknown, message: unknown, meta: TopicMeta) => unknown

/**
 * Subscribes to a server topic while the component is mounted and returns its latest message
 * (or, with `reducer`, the state folded over every message since mount). Components on the same
 * topic share one server subscription; it ends a moment after the last one unmounts, so
 * StrictMode's remount does not subscribe twice. Server rendering returns `initial`. On a closed
 * client the status is `'error'` (`ClientClosedError`).
 * @example
 * const { data: tick } = useTopic('prices')
 * const { data: messages } = useTopic('room:lobby', {
 *   initial: [] as Message[],
 *   reducer: (list, message) => [...list, message].slice(-100),
 * })
 */
export function useTopic<C extends Contract = Contract, K extends TopicName<C> = TopicName<C>, S = unknown>(
  topic: K, options: ReducedTopicOptions<TopicOf<C, K>, S, C>): TopicState<S>
export function useTopic<C extends Contract = Contract, K extends TopicName<C> = TopicName<C>>(
  topic: K, options: LatestTopicOptions<TopicOf<C, K>, C> & { initial: TopicOf<C, K> }): TopicState<TopicOf<C, K>>
export function useTopic<C extends Contract = Contract, K extends TopicName<C> = TopicName<C>>(
  topic: K, options?: LatestTopicOptions<TopicOf<C, K>, C>): TopicState<TopicOf<C, K> | undefined>
export function useTopic(topic: string, options: Partial<ReducedTopicOptions<unknown, unknown, Contract>> = {}): TopicState<unknown> {
  const client = useLifeline(options.client)
  // Latest-ref: the reducer of the last render applies, without re-subscribing for a new function.
  const reducer = useLatest<Reducer | undefined>(options.reducer)
  // A new store (back to `initial`) for a new client or topic; `initial` and `params` of later
  // renders are not used. The store ignores the other options (`client`).
  const store = useMemo(() => topicStore(client, topic, options.reducer
    ? { ...options, reducer: (state: unknown, message: unknown, meta: TopicMeta) => reducer.current!(state, message, meta) }
    : options) as TopicStore<unknown>, [client, topic])
  return useSyncExternalStore(store.subscribe, store.get, () => store.initial)
}
