/**
 * `createComposables<C>()`: the composables, typed by one contract, for apps
 * that get their client from the plugin (where TypeScript cannot see it).
 * @module
 */
import type { MaybeRefOrGetter, ShallowRef } from 'vue'
import type { Client, Contract, EventName, EventOf, MethodName, ResultOf, State, TopicName, TopicOf } from '../index'
import type { CallParams } from '../store/index'
import { useLifeline } from './context'
import { useConnectionState } from './connection-state'
import { useTopic, type LatestTopicOptions, type ReducedTopicOptions, type TopicRefs } from './topic'
import { useEvent } from './event'
import { useCall, type CallRefs, type UseCallOptions } from './call'

/** The composables of one contract; see {@link createComposables}. */
export interface LifelineComposables<C extends Contract> {
  /** The provided client, typed. */
  useLifeline(client?: Client<C>): Client<C>
  /** See the top-level {@link useConnectionState}. */
  useConnectionState(client?: Client<C>): Readonly<ShallowRef<State>>
  /** See the top-level {@link useTopic}. */
  useTopic<K extends TopicName<C>, S>(topic: MaybeRefOrGetter<K>, options: ReducedTopicOptions<TopicOf<C, K>, S, C>): TopicRefs<S>
  useTopic<K extends TopicName<C>>(topic: MaybeRefOrGetter<K>, options: LatestTopicOptions<TopicOf<C, K>, C> & { initial: TopicOf<C, K> }): TopicRefs<TopicOf<C, K>>
  useTopic<K extends TopicName<C>>(topic: MaybeRefOrGetter<K>, options?: LatestTopicOptions<TopicOf<C, K>, C>): TopicRefs<TopicOf<C, K> | undefined>
  /** See the top-level {@link useEvent}. */
  useEvent<K extends EventName<C>>(event: K, handler?: (payload: EventOf<C, K>) => void, client?: Client<C>): Readonly<ShallowRef<EventOf<C, K> | undefined>>
  /** See the top-level {@link useCall}. */
  useCall<K extends MethodName<C>>(method: K, params: MaybeRefOrGetter<CallParams<C, K>>, options?: UseCallOptions<C>): CallRefs<ResultOf<C, K>>
}

/**
 * The composables typed by a contract: method, event and topic names are checked, payloads and
 * results inferred. They are the same functions as the top-level ones; only their types differ.
 * @example
 * export const { useTopic, useCall, useEvent, useConnectionState } = createComposables<ChatApi>()
 */
export function createComposables<C extends Contract>(): LifelineComposables<C> {
  return { useLifeline, useConnectionState, useTopic, useEvent, useCall } as unknown as LifelineComposables<C>
}
