/**
 * `createHooks<C>()`: the hooks, typed by one contract, for apps that get
 * their client from `<LifelineProvider>` (where TypeScript cannot see it).
 * @module
 */
import type { Client, Contract, EventName, EventOf, MethodName, ResultOf, State, TopicName, TopicOf } from '../index'
import { useLifeline } from './context'
import { useConnectionState } from './connection-state'
import { useTopic, type LatestTopicOptions, type ReducedTopicOptions, type TopicState } from './topic'
import { useEvent } from './event'
import { useCall, type CallParams, type CallState, type UseCallOptions } from './call'

/** The hooks of one contract; see {@link createHooks}. */
export interface LifelineHooks<C extends Contract> {
  /** The provider's client, typed. */
  useLifeline(client?: Client<C>): Client<C>
  /** See the top-level {@link useConnectionState}. */
  useConnectionState(client?: Client<C>): State
  /** See the top-level {@link useTopic}. */
  useTopic<K extends TopicName<C>, S>(topic: K, options: ReducedTopicOptions<TopicOf<C, K>, S, C>): TopicState<S>
  useTopic<K extends TopicName<C>>(topic: K, options: LatestTopicOptions<TopicOf<C, K>, C> & { initial: TopicOf<C, K> }): TopicState<TopicOf<C, K>>
  useTopic<K extends TopicName<C>>(topic: K, options?: LatestTopicOptions<TopicOf<C, K>, C>): TopicState<TopicOf<C, K> | undefined>
  /** See the top-level {@link useEvent}. */
  useEvent<K extends EventName<C>>(event: K, handler: (payload: EventOf<C, K>) => void, client?: Client<C>): void
  /** See the top-level {@link useCall}. */
  useCall<K extends MethodName<C>>(method: K, params: CallParams<C, K>, options?: UseCallOptions<C>): CallState<ResultOf<C, K>>
}

/**
 * The hooks typed by a contract: method, event and topic names are checked, payloads and
 * results inferred. They are the same functions as the top-level hooks; only their types differ.
 * Needed with `<LifelineProvider>`, since a hook cannot see the provider's client type;
 * with a client passed to each hook, the top-level hooks infer the contract from it.
 * @example
 * export const { useTopic, useCall, useEvent, useConnectionState } = createHooks<ChatApi>()
 */
export function createHooks<C extends Contract>(): LifelineHooks<C> {
  return { useLifeline, useConnectionState, useTopic, useEvent, useCall } as unknown as LifelineHooks<C>
}
