/**
 * `topicStore`: a server topic's latest message (or a value reduced over its
 * messages), with its sequence number, gaps and status, over one shared
 * client subscription per topic.
 * @module
 */
import type { Client, Contract, TopicMeta, TopicName, TopicOf } from '../index'
import { createSource, soon, type Readable } from './readable'
import { peekTopic, watchTopic, type AnyClient, type SharedTopic, type TopicStatus } from './topics'
import { checkName } from './names'

// Bundlers replace `process.env.NODE_ENV`; declared here (not from @types/node) so the browser build needs no Node types.
declare const process: { env: { NODE_ENV?: string } }

export type { TopicStatus } from './topics'

/** A topic store's value. */
export interface TopicState<S> {
  /** The latest message, or the reduced value; `initial` until the first message. */
  readonly data: S
  /** The sequence number of the latest message, when the server numbers the topic. */
  readonly seq: number | undefined
  /**
   * How many times the server said messages were lost while disconnected (too old to replay).
   * Starts at 0; use it to reload what the topic summarises.
   */
  readonly gaps: number
  /** `'subscribing'` until the server confirms, then `'ready'`; `'error'` if it refused or the client is closed. */
  readonly status: TopicStatus
  /** Why the status is `'error'` (an `RpcError` for a refusal, `ClientClosedError`…). */
  readonly error: unknown
}

/** Options every form of {@link topicStore} takes. */
export interface TopicOptionsBase {
  /** Extra subscribe parameters; when several stores share a topic, the first one's count. @default undefined */
  params?: unknown
}

/** Options of {@link topicStore} with a reducer. */
export interface ReducedTopicOptions<T, S> extends TopicOptionsBase {
  /** Folds each message into the state. */
  reducer: (state: S, message: T, meta: TopicMeta) => S
  /** The state before the first message. */
  initial: S
}

/** Options of {@link topicStore} without a reducer. */
export interface LatestTopicOptions<T> extends TopicOptionsBase {
  /** `data` until the first message. @default undefined */
  initial?: T
}

/** A topic's store. */
export interface TopicStore<S> extends Readable<TopicState<S>> {
  /** The value before the store starts (`initial`, `'subscribing'`): what server rendering and hydration show. */
  readonly initial: TopicState<S>
}

type Reducer = (state: unknown, message: unknown, meta: TopicMeta) => unknown

/**
 * A server topic as a store. While it has subscribers it watches the topic (subscribing a
 * microtask after the first one); every store of one client and topic shares one
 * `client.subscribe`, which ends a macrotask after the last store lets go. Without a reducer,
 * a store created after others shows the topic's latest message at once.
 * @example
 * const prices = topicStore(client, 'prices')
 * const log = topicStore(client, 'room:lobby', {
 *   initial: [] as string[],
 *   reducer: (lines, message) => [...lines, message.text].slice(-100),
 * })
 */
export function topicStore<C extends Contract, K extends TopicName<C>, S>(
  client: Client<C>, topic: K, options: ReducedTopicOptions<TopicOf<C, K>, S>): TopicStore<S>
export function topicStore<C extends Contract, K extends TopicName<C>>(
  client: Client<C>, topic: K, options: LatestTopicOptions<TopicOf<C, K>> & { initial: TopicOf<C, K> }): TopicStore<TopicOf<C, K>>
export function topicStore<C extends Contract, K extends TopicName<C>>(
  client: Client<C>, topic: K, options?: LatestTopicOptions<TopicOf<C, K>>): TopicStore<TopicOf<C, K> | undefined>
export function topicStore(client: Client<Contract>, topic: string, options: Partial<ReducedTopicOptions<unknown, unknown>> = {}): TopicStore<unknown> {
  if (typeof process !== 'undefined' && process.env.NODE_ENV !== 'production') checkName('a topic store', topic)
  const reducer = options.reducer as Reducer | undefined
  const initial: TopicState<unknown> = { data: options.initial, seq: undefined, gaps: 0, status: 'subscribing', error: undefined }
  const known = reducer ? undefined : peekTopic(client as AnyClient, topic)
  const source = createSource(known?.last ? { ...fromShared(known), data: known.last.data, seq: known.last.seq } : initial, () => soon(() => {
    const lease = watchTopic(client as AnyClient, topic, {
      message(data, meta) {
        const state = source.readable.get()
        source.set({ ...state, data: reducer ? reducer(state.data, data, meta) : data, seq: meta.seq })
      },
      changed: () => sync(lease.topic),
    }, options.params)
    sync(lease.topic)
    return lease.release
  }))
  const sync = (shared: SharedTopic) => {
    const state = source.readable.get()
    if (shared.status !== state.status || shared.gaps !== state.gaps || shared.error !== state.error) source.set({ ...state, ...fromShared(shared) })
  }
  return { ...source.readable, initial }
}

const fromShared = ({ status, error, gaps }: SharedTopic) => ({ status, error, gaps })
