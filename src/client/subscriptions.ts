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
  /** Send the subscribe request now (only called while open). Must not throw: reject instead. Read `params` at once: it is the live cursor. */
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
  /** A socket opened: from now on requests go out at once. Returns every topic, for one batched frame (live objects: encode at once). */
  resubscribe(): SubscribeParams[]
  /** The answer to a batched resubscribe request. */
  settled(topic: string, outcome: { result: unknown } | { error: unknown }): void
  /** The socket is gone: new topics wait for the next `resubscribe()`. */
  dropped(): void
  /** Final: rejects pending `ready`s with `ClientClosedError` and ends every iterator. */
  close(): void
}

/** One `subscribe` call: its stream, ended with the subscription, and what it was given. */
interface Entry extends Stream<unknown> {
  handler: TopicHandler<never> | undefined
  onGap: (() => void) | undefined
  // Buffering from the start without a handler, so a `for await` started late misses nothing;
  // with one, only once a loop starts, so an unused stream holds nothing.
  buffer: boolean
}

/** A topic is the set of its subscriptions, plus what the server is asked and told. */
interface Topic extends Set<Entry> {
  /** The subscribe request's params; `after` is the cursor. */
  params: SubscribeParams
  ready: Promise<void>
  resolve(): void
  reject(err: unknown): void
}

type Outcome = { result: unknown } | { error: unknown }

/** @internal */
export function createSubscriptions(hooks: SubscriptionHooks): Subscriptions {
  const topics = new Map<string, Topic>()
  let open = false
  // Set by close(): every topic, even one subscribed later, ends with it.
  let closed: Error | undefined

  // Ends a topic for every subscriber: refused, unsubscribed or closed.
  const drop = (t: Topic, err: unknown) => {
    t.reject(err)
    t.forEach((e) => e.end())
    t.clear()
    topics.delete(t.params.topic)
  }

  const settle = (t: Topic | undefined, outcome: Outcome) => {
    // An answer for a topic that was dropped (and maybe created again) in the meantime is stale.
    if (!t || topics.get(t.params.topic) != t) return
    if ('error' in outcome) {
      const err = outcome.error
      // A lost socket is no refusal: the next open subscribes again.
      if (!isConnectionClosedError(err)) {
        hooks.error(err)
        drop(t, err)
      }
      return
    }
    t.resolve()
    const { seq, gap } = (outcome.result ?? {}) as SubscribeResult
    // A first subscribe adopts the server's seq as its cursor, so the next reconnect replays what it
    // missed; null is a numbered topic with no message yet, and numbers start at 1.
    const cursor = seq === null ? 0 : seq
    if (typeof cursor == 'number' && (gap || t.params.after == null)) t.params.after = cursor
    if (gap) t.forEach((e) => e.onGap?.())
  }

  const create = (topic: string, params: unknown) => {
    const t = new Set() as Topic
    t.params = { topic, params }
    t.ready = new Promise((resolve, reject) => Object.assign(t, { resolve, reject }))
    // Refusals are reported through `error`; an unobserved `ready` must not also be an unhandled rejection.
    t.ready.catch(() => {})
    topics.set(topic, t)
    if (open) hooks.request(topic, t.params).then((result) => settle(t, { result }), (error: unknown) => settle(t, { error }))
    return t
  }

  return {
    subscribe<T>(topic: string, handler?: TopicHandler<T>, options: SubscribeOptions = {}) {
      const t = topics.get(topic) ?? create(topic, options.params)
      const unsubscribe = () => {
        if (!t.delete(entry)) return
        entry.end()
        if (t.size) return
        drop(t, new DOMException('lifeline: unsubscribed', 'AbortError'))
        if (open) hooks.unsubscribe(topic)
      }
      const entry: Entry = Object.assign(createStream(unsubscribe), { handler, onGap: options.onGap, buffer: !handler })
      t.add(entry)
      if (closed) drop(t, closed)
      // One stream per subscription: a second loop continues the first, one after the end ends at once.
      const iterate = () => {
        entry.buffer = true
        return entry as Stream<T>
      }
      return { topic, ready: t.ready, unsubscribe, [Symbol.asyncIterator]: iterate }
    },
    deliver(params) {
      const { topic, seq, data } = (params ?? {}) as PublishParams
      if (typeof topic != 'string' || (seq !== undefined && typeof seq != 'number'))
        return hooks.error(new ProtocolError('lifeline: bad publish', params))
      const t = topics.get(topic)
      // Comparisons with undefined are false: unnumbered messages always pass.
      if (!t || seq! <= t.params.after!) return
      if (seq !== undefined) t.params.after = seq
      // Copy: a handler may unsubscribe itself or others.
      for (const e of [...t])
        try {
          if (e.buffer) e.push(data)
          e.handler?.(data as never, { topic, seq })
        } catch (err) {
          hooks.error(err)
        }
    },
    resubscribe() {
      open = true
      return [...topics.values()].map((t) => t.params)
    },
    settled: (topic, outcome) => settle(topics.get(topic), outcome),
    dropped() {
      open = false
    },
    close() {
      open = false
      closed = new ClientClosedError('lifeline: client closed')
      topics.forEach((t) => drop(t, closed))
    },
  }
}
