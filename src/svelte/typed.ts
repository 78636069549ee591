/**
 * `createStores<C>()`: the store functions, typed by one contract, for apps
 * that get their client from `setLifeline` (where TypeScript cannot see it).
 * @module
 */
import type { Client, Contract, EventName, EventOf, MethodName, State, TopicName, TopicOf } from '../index'
import type { CallRequest, CallStore, EventStore, LatestTopicOptions, Readable, ReducedTopicOptions, TopicStore } from '../store/index'
import { getLifeline } from './context'
import { call, connectionState, event, topic, type CallOptions, type TopicOptions } from './stores'

/** The stores of one contract; see {@link createStores}. */
export interface LifelineStores<C extends Contract> {
  /** The client `setLifeline` set, typed. */
  getLifeline(client?: Client<C>): Client<C>
  /** See the top-level {@link connectionState}. */
  connectionState(client?: Client<C>): Readable<State>
  /** See the top-level {@link topic}. */
  topic<K extends TopicName<C>, S>(name: K, options: TopicOptions<ReducedTopicOptions<TopicOf<C, K>, S>, C>): TopicStore<S>
  topic<K extends TopicName<C>>(name: K, options: TopicOptions<LatestTopicOptions<TopicOf<C, K>> & { initial: TopicOf<C, K> }, C>): TopicStore<TopicOf<C, K>>
  topic<K extends TopicName<C>>(name: K, options?: TopicOptions<LatestTopicOptions<TopicOf<C, K>>, C>): TopicStore<TopicOf<C, K> | undefined>
  /** See the top-level {@link event}. */
  event<K extends EventName<C>>(name: K, client?: Client<C>): EventStore<EventOf<C, K>>
  /** See the top-level {@link call}. */
  call<K extends MethodName<C>>(method: K, params: CallRequest<C, K>['params'], options?: CallOptions<C>): CallStore<C, K>
}

/**
 * The store functions typed by a contract: method, event and topic names are checked, payloads
 * and results inferred. They are the same functions as the top-level ones; only their types differ.
 * @example
 * export const { topic, call, event, connectionState } = createStores<ChatApi>()
 */
export function createStores<C extends Contract>(): LifelineStores<C> {
  return { getLifeline, connectionState, topic, event, call } as unknown as LifelineStores<C>
}
