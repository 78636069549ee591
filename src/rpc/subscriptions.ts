/**
 * The topic registry: one server subscription per topic however many
 * handlers share it, re-sent on every open with the last seq seen as the
 * cursor, and duplicates dropped by seq (docs/events.md).
 * @module
 */
import { ClientClosedError, isConnectionClosedError, ProtocolError } from '../errors'
import type { PublishParams, SubscribeParams, SubscribeResult } from '../protocol/protocol'
import { createStream, type Stream } from './stream'

/**
 * Options of `subscribe`.
 * @example
 * client.subscribe('prices', onPrice, { params: { symbols: ['BTC'] }, onGap: () => reloadPrices() })
 */
export interface SubscribeOptions {
  /** Extra parameters for the subscribe request. When several handlers share a topic, the first one's count. @default undefined */
  params?: unknown
  /** Called when the server says messages were lost while disconnected (they are not replayed). @default undefined */
  onGap?: () => void
}

/** Where a topic message came from. */
export interface TopicMeta {
  topic: string
  /** The server's sequence number, when it numbers the topic. */
  seq?: number | undefined
}

/** A topic message handler. */
export type TopicHandler<T> = (data: T, meta: TopicMeta) => void

/**
 * One `subscribe` call. Also an async iterable of the topic's data that ends
 * when it is unsubscribed, refused or the client closes; leaving the loop early
 * unsubscribes.
 * @example
 * const sub = client.subscribe('room:1')
 * await sub.ready
 * for await (const message of sub) render(message)
 */
export interface Subscription<T = unknown> extends AsyncIterable<T> {
  readonly topic: string
  /** Resolves when the server confirmed the topic; rejects if it refused (an `RpcError`), on `close()`, or with an `AbortError` when unsubscribed first. */
  readonly ready: Promise<void>
  /** Stop this handler; the last one for a topic unsubscribes on the server. Idempotent. */
  unsubscribe(): void
  [Symbol.asyncIterator](): AsyncIterableIterator<T>
}

/** @internal */
export interface SubscriptionHooks {
  /** Send the subscribe request now (only called while open). Must not throw: reject instead. */
  request(topic: string, params: SubscribeParams): Promise<unknown>
  /** Send the unsubscribe notification (only called while open). */
  unsubscribe(topic: string): void
  error(err: unknown): void
}

/** @internal */
export interface Subscriptions {
  subscribe<T = unknown>(topic: string, handler?: TopicHandler<T>, options?: SubscribeOptions): Subscription<T>
  /** A publish notification's params: validate, dedupe by seq, dispatch. */
  deliver(params: unknown): void
  /** A socket opened: from now on requests go out at once. Returns every topic, for one batched frame. */
  resubscribe(): SubscribeParams[]
  /** The answer to a batched resubscribe request. */
  settled(topic: string, outcome: { result: unknown } | { error: unknown }): void
  /** The socket is gone: new topics wait for the next `resubscribe()`. */
  dropped(): void
  /** Final: rejects pending `ready`s with `ClientClosedError` and ends every iterator. */
  close(): void
}

interface Entry {
  fn: TopicHandler<never> | undefined
  options: SubscribeOptions
  // Created up front when there is no handler, so a `for await` started late misses nothing.
  stream?: Stream<unknown>
}

interface Topic {
  p: SubscribeParams
  entries: Set<Entry>
  ready: Promise<void>
  settle(err?: unknown): void
}

type Outcome = { result: unknown } | { error: unknown }

const closedError = () => new ClientClosedError('lifeline: client closed')

/** @internal */
export function createSubscriptions(hooks: SubscriptionHooks): Subscriptions {
  const topics = new Map<string, Topic>()
  let open = false
  let closed = false

  // Ends a topic for every handler: refused, unsubscribed or closed.
  const drop = (t: Topic, err: unknown) => {
    t.settle(err)
    t.entries.forEach((e) => e.stream?.end())
    t.entries.clear()
    if (topics.get(t.p.topic) == t) topics.delete(t.p.topic)
  }

  const settle = (t: Topic, outcome: Outcome) => {
    if ('error' in outcome) {
      // A lost socket is no refusal: the next open subscribes again.
      if (!isConnectionClosedError(outcome.error)) {
        hooks.error(outcome.error)
        drop(t, outcome.error)
      }
      return
    }
    t.settle()
    const { seq, gap } = (outcome.result ?? {}) as SubscribeResult
    // A first subscribe adopts the server's seq as its cursor, so the next reconnect replays what it
    // missed; null is a numbered topic with no message yet, and numbers start at 1.
    const cursor = seq === null ? 0 : seq
    if (typeof cursor == 'number' && (gap || t.p.after === undefined)) t.p.after = cursor
    if (gap) t.entries.forEach((e) => e.options.onGap?.())
  }

  return {
    subscribe<T>(topic: string, handler?: TopicHandler<T>, options: SubscribeOptions = {}) {
      let t = topics.get(topic)
      if (!t) {
        let settleReady!: (err?: unknown) => void
        const ready = new Promise<void>((resolve, reject) => (settleReady = (err) => (err ? reject(err) : resolve())))
        // Refusals are reported through `error`; an unobserved `ready` must not also be an unhandled rejection.
        ready.catch(() => {})
        const created: Topic = (t = { p: { topic }, entries: new Set(), ready, settle: settleReady })
        if (options.params !== undefined) created.p.params = options.params
        topics.set(topic, created)
        // An answer for a topic that was dropped and created again in the meantime is stale.
        const current = (outcome: Outcome) => topics.get(topic) == created && settle(created, outcome)
        if (open) hooks.request(topic, { ...created.p }).then((result) => current({ result }), (error: unknown) => current({ error }))
      }
      const tt = t
      const entry: Entry = { fn: handler, options }
      const unsubscribe = () => {
        if (!tt.entries.delete(entry)) return
        entry.stream?.end()
        if (tt.entries.size || topics.get(topic) != tt) return
        drop(tt, new DOMException('lifeline: unsubscribed', 'AbortError'))
        if (open) hooks.unsubscribe(topic)
      }
      const iterate = () => (entry.stream ??= createStream(unsubscribe)) as Stream<T>
      if (!handler) iterate()
      tt.entries.add(entry)
      if (closed) drop(tt, closedError())
      return {
        topic,
        ready: tt.ready,
        unsubscribe,
        [Symbol.asyncIterator]() {
          const stream = iterate()
          if (!tt.entries.has(entry)) stream.end()
          return stream
        },
      }
    },
    deliver(params) {
      const { topic, seq, data } = (params ?? {}) as PublishParams
      if (typeof topic != 'string' || (seq !== undefined && typeof seq != 'number'))
        return hooks.error(new ProtocolError('lifeline: bad publish', params))
      const t = topics.get(topic)
      // Comparisons with undefined are false: unnumbered messages always pass.
      if (!t || seq! <= t.p.after!) return
      if (seq !== undefined) t.p.after = seq
      // Copy: a handler may unsubscribe itself or others.
      for (const e of [...t.entries])
        try {
          e.stream?.push(data)
          e.fn?.(data as never, { topic, seq })
        } catch (err) {
          hooks.error(err)
        }
    },
    resubscribe() {
      open = true
      return [...topics.values()].map((t) => ({ ...t.p }))
    },
    settled(topic, outcome) {
      const t = topics.get(topic)
      if (t) settle(t, outcome)
    },
    dropped() {
      open = false
    },
    close() {
      open = false
      closed = true
      topics.forEach((t) => drop(t, closedError()))
    },
  }
}
