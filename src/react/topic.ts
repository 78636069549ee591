/**
 * `useTopic`: the latest message of a server topic (or a value reduced over
 * its messages), with its sequence number and status.
 * @module
 */
import { useCallback, useMemo, useSyncExternalStore } from 'react'
import type { Client, Contract, TopicMeta, TopicName, TopicOf } from '../index'
import type { AnyClient } from './context'
import { useLifeline } from './context'
import { useLatest } from './latest'
import { peekTopic, watchTopic, type TopicStatus } from './topic-registry'

export type { TopicStatus } from './topic-registry'

/** What {@link useTopic} returns. */
export interface TopicState<S> {
  /** The latest message, or the reduced value; `initial` until the first message. */
  readonly data: S
  /** The sequence number of the latest message, when the server numbers the topic. */
  readonly seq: number | undefined
  /**
   * How many times the server said messages were lost while disconnected (too old to replay).
   * Starts at 0; use it as an effect dependency to reload what the topic summarises.
   */
  readonly gaps: number
  /** `'subscribing'` until the server confirms, then `'ready'`; `'error'` if it refused or the client closed. */
  readonly status: TopicStatus
  /** Why the status is `'error'` (an `RpcError` for a refusal, `ClientClosedError`…). */
  readonly error: unknown
}

/** Options every form of {@link useTopic} takes. */
export interface TopicOptionsBase<C extends Contract> {
  /** The client. @default the nearest `<LifelineProvider>`'s */
  client?: Client<C>
  /** Extra subscribe parameters; when components share a topic, the first one's count. @default undefined */
  params?: unknown
}

/** Options of {@link useTopic} with a reducer. */
export interface ReducedTopicOptions<T, S, C extends Contract> extends TopicOptionsBase<C> {
  /** Folds each message into the state (latest-ref: a new function each render is fine). */
  reducer: (state: S, message: T, meta: TopicMeta) => S
  /** The state before the first message. */
  initial: S
}

/** Options of {@link useTopic} without a reducer. */
export interface LatestTopicOptions<T, C extends Contract> extends TopicOptionsBase<C> {
  /** `data` until the first message. @default undefined */
  initial?: T
}

interface TopicStore {
  subscribe(onChange: () => void): () => void
  get(): TopicState<unknown>
  readonly server: TopicState<unknown>
}

type Reducer = (state: unknown, message: unknown, meta: TopicMeta) => unknown

/**
 * Subscribes to a server topic while the component is mounted and returns its latest message
 * (or, with `reducer`, the state folded over every message since mount). Components on the same
 * topic share one server subscription; it ends a moment after the last one unmounts, so
 * StrictMode's remount does not subscribe twice. Server rendering returns `initial`.
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
  if (typeof topic !== 'string' || topic === '') throw new TypeError(`lifeline-ws/react: useTopic needs a topic name, got ${String(topic)}`)
  const client = useLifeline(options.client) as AnyClient
  // Latest-ref: the reducer of the last render applies, without re-subscribing for a new function.
  const reducer = useLatest<Reducer | undefined>(options.reducer)
  const params = useLatest(options.params)
  // A new store (back to `initial`) for a new client or topic; `initial` of later renders is not used.
  const store = useMemo(() => createTopicStore(client, topic, options.initial, reducer, params), [client, topic])
  const subscribe = useCallback((onChange: () => void) => store.subscribe(onChange), [store])
  return useSyncExternalStore(subscribe, store.get, () => store.server) as TopicState<unknown>
}

function createTopicStore(client: AnyClient, topic: string, initial: unknown, reducer: { current: Reducer | undefined }, params: { current: unknown }): TopicStore {
  const server: TopicState<unknown> = { data: initial, seq: undefined, gaps: 0, status: 'subscribing', error: undefined }
  // Without a reducer, a component that mounts after others shows the topic's latest message at once.
  const known = reducer.current ? undefined : peekTopic(client, topic)
  let snapshot: TopicState<unknown> = known?.last
    ? { data: known.last.data, seq: known.last.seq, gaps: known.gaps, status: known.status, error: known.error }
    : server
  return {
    server,
    get: () => snapshot,
    subscribe(onChange) {
      const lease = watchTopic(client, topic, {
        message(data, meta) {
          const fold = reducer.current
          const next = fold ? fold(snapshot.data, data, meta) : data
          snapshot = { ...snapshot, data: next, seq: meta.seq }
          onChange()
        },
        changed() {
          snapshot = { ...snapshot, status: lease.topic.status, error: lease.topic.error, gaps: lease.topic.gaps }
          onChange()
        },
      }, params.current)
      const shared = lease.topic
      if (shared.status !== snapshot.status || shared.gaps !== snapshot.gaps) {
        snapshot = { ...snapshot, status: shared.status, error: shared.error, gaps: shared.gaps }
      }
      return lease.release
    },
  }
}
