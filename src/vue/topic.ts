/**
 * `useTopic`: a server topic's latest message (or a reduced value), seq, gaps
 * and status as refs: `topicStore` of `lifeline-ws/store`.
 * @module
 */
import { toValue, type MaybeRefOrGetter } from 'vue'
import type { Client, Contract, TopicName, TopicOf } from '../index'
import { topicStore, type TopicOptionsBase as StoreOptionsBase, type ReducedTopicOptions as StoreReducedOptions, type LatestTopicOptions as StoreLatestOptions, type TopicState } from '../store/index'
import { useLifeline } from './context'
import { fieldRefs, type FieldRefs } from './fields'
import { storeRef } from './follow'

/** Options every form of {@link useTopic} takes: the store's (`params`), and the client. */
export interface TopicOptionsBase<C extends Contract> extends StoreOptionsBase {
  /** The client. @default the provided one */
  client?: Client<C>
}

/** Options of {@link useTopic} with a reducer (`reducer`, required `initial`). */
export type ReducedTopicOptions<T, S, C extends Contract> = StoreReducedOptions<T, S> & TopicOptionsBase<C>

/** Options of {@link useTopic} without a reducer (`initial`, default `undefined`). */
export type LatestTopicOptions<T, C extends Contract> = StoreLatestOptions<T> & TopicOptionsBase<C>

/** What {@link useTopic} returns: `data`, `seq`, `gaps`, `status` and `error`, each a read-only ref. */
export type TopicRefs<S> = FieldRefs<TopicState<S>>

/**
 * Subscribes to a server topic while the component is mounted; returns refs of its latest
 * message (or, with `reducer`, the state folded over its messages), `seq`, `gaps`, `status` and
 * `error`. Components on one topic share one server subscription, ended a macrotask after the
 * last unmounts. `topic` may be a ref or a getter: a new name starts over from `initial` on the
 * new topic and lets the old one go. A server render shows `initial` and subscribes to nothing.
 * @example
 * const { data: message, status } = useTopic('chat')
 * const { data: lines } = useTopic(() => `doc:${props.id}`, {
 *   initial: [] as string[],
 *   reducer: (list, edit) => [...list, edit.text],
 * })
 */
export function useTopic<C extends Contract = Contract, K extends TopicName<C> = TopicName<C>, S = unknown>(
  topic: MaybeRefOrGetter<K>, options: ReducedTopicOptions<TopicOf<C, K>, S, C>): TopicRefs<S>
export function useTopic<C extends Contract = Contract, K extends TopicName<C> = TopicName<C>>(
  topic: MaybeRefOrGetter<K>, options: LatestTopicOptions<TopicOf<C, K>, C> & { initial: TopicOf<C, K> }): TopicRefs<TopicOf<C, K>>
export function useTopic<C extends Contract = Contract, K extends TopicName<C> = TopicName<C>>(
  topic: MaybeRefOrGetter<K>, options?: LatestTopicOptions<TopicOf<C, K>, C>): TopicRefs<TopicOf<C, K> | undefined>
export function useTopic(topic: MaybeRefOrGetter<string>, options: Partial<ReducedTopicOptions<unknown, unknown, Contract>> = {}): TopicRefs<unknown> {
  const client = useLifeline(options.client)
  // The store ignores the other options (`client`).
  const make = () => topicStore(client, toValue(topic), options as LatestTopicOptions<unknown, Contract>)
  const state = storeRef(make(), typeof topic === 'string' ? undefined : make)
  return fieldRefs(state)
}
