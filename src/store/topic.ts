/**
 * `topicStore`: a server topic's latest message (or a value reduced over its
 * messages), with its sequence number, gaps and status.
 * @module
 */
import { ClientClosedError, type Client, type Contract, type TopicMeta, type TopicName, type TopicOf } from '../index'
import { createSource, soon, type Readable } from './readable'
import { watchedTopics, type Watched } from './watched'
import { checkName } from './names'

// Bundlers replace `process.env.NODE_ENV`; declared here (not from @types/node) so the browser build needs no Node types.
declare const process: { env: { NODE_ENV?: string } }

/** Whether the server has confirmed the topic. */
export type TopicStatus = 'subscribing' | 'ready' | 'error'

/** A topic store's value. */
export interface TopicState<S> {
  /** The latest message, or the reduced value; `initial` until the first message. */
  readonly data: S
  /** The sequence number of the latest message, when the server numbers the topic. */
  readonly seq: number | undefined
  /**
   * How many times the server told this store that messages were lost while disconnected (too
   * old to replay). Starts at 0; use it to reload what the topic summarises.
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
 * A server topic as a store. While it has subscribers it holds a `client.subscribe` (made a
 * microtask after the first one, ended a macrotask after the last); the client sends one server
 * subscription per topic however many stores hold it. Without a reducer, a store made while
 * others hold the topic shows its latest message at once.
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
  const topics = watchedTopics(client)
  const initial: TopicState<unknown> = { data: options.initial, seq: undefined, gaps: 0, status: 'subscribing', error: undefined }
  // A message came, so the server had confirmed the topic.
  const last = reducer ? undefined : topics.get(topic)?.last
  const [store, tell] = createSource<TopicState<unknown>>(last ? { ...initial, ...last, status: 'ready' } : initial, () => soon(() => {
    // False once the store stops: what its subscription still hears in its last macrotask is not its own.
    let live = true
    const update = (change: Partial<TopicState<unknown>>) => {
      if (live) tell({ ...store.get(), ...change })
    }
    const fail = (error: unknown) => {
      if (store.get().status !== 'error') update({ status: 'error', error })
    }
    const watched: Watched = topics.get(topic) ?? { holders: 0 }
    topics.set(topic, watched)
    watched.holders++
    let unsubscribe = () => {}
    try {
      const subscription = client.subscribe(topic, (data, meta) => {
        watched.last = { data, seq: meta.seq }
        update({ data: reducer ? reducer(store.get().data, data, meta) : data, seq: meta.seq })
      }, { params: options.params, onGap: () => update({ gaps: store.get().gaps + 1 }) })
      // Also after an earlier refusal: a store started again subscribes afresh.
      subscription.ready.then(() => update({ status: 'ready', error: undefined }), fail)
      unsubscribe = subscription.unsubscribe
    } catch (error) {
      // A closed client throws ClientClosedError at once: shown as status 'error', never thrown out of a render.
      fail(error)
    }
    // A confirmed topic hears nothing more of a client closed for good: its status says so.
    const unwatchClose = client.on('state', (state) => {
      if (state === 'closed') fail(new ClientClosedError('lifeline: client closed'))
    })
    return () => {
      live = false
      unwatchClose()
      // A macrotask late: a component tree unmounted and mounted again in one go (a list re-keyed)
      // keeps the server subscription, and sends neither an unsubscribe nor a new subscribe.
      setTimeout(() => {
        unsubscribe()
        if (!--watched.holders) topics.delete(topic)
      })
    }
  }))
  return { ...store, initial }
}
