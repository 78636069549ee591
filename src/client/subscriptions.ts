/**
 * The topic registry: one server subscription per topic however many
 * handlers share it, re-sent on every open with the last seq seen as the
 * cursor, and duplicates dropped by seq (docs/events.md).
 * @module
 */
import { abortError, isConnectionClosedError, ProtocolError } from '../errors'
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
  /**
   * The cursor to start from: a shared connection's new leader resubscribes where the tabs left off.
   * @internal
   */
  after?: number | undefined
  /**
   * The numbering `after` counts in (the `epoch` of the subscribe answer it came after), sent with it so
   * that a server whose numbering started again tells it apart. Ignored without `after`.
   * @internal
   */
  epoch?: string | undefined
}

/** Where a topic message came from: one object per message, the same for each of its handlers. */
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
  /**
   * The numbering the topic's cursor counts in now (the last subscribe answer's `epoch`), shared by every
   * subscription of the topic: a shared connection's leader tells it to the tabs. @internal
   */
  readonly epoch?: string | undefined
  /** Resolves when the server confirmed the topic; rejects if it refused (an `RpcError`), on `close()`, or with an `AbortError` when unsubscribed first. */
  readonly ready: Promise<void>
  /** Stop this handler; the last one for a topic unsubscribes on the server. Idempotent. */
  unsubscribe(): void
  [Symbol.asyncIterator](): AsyncIterableIterator<T>
}

/**
 * The answer to a subscribe request: `ok` with the request's result, or not with the refusal (an error).
 * The call table settles its calls the same way. @internal
 */
export type Settle = (ok: boolean, value: unknown) => void

/** What the registry asks of its carrier (the socket, or a sharing tab's channel to the leader). @internal */
export interface SubscriptionHooks {
  /**
   * Sends the subscribe request now (only called while connected). `settle` must run synchronously when
   * the answer is processed, in frame order with the topic's messages; a lost socket settles it with a
   * ConnectionClosedError. Read `params` at once: it is the live cursor.
   */
  subscribe(topic: string, params: SubscribeParams, settle: Settle): void
  /** Sends the unsubscribe notification (only called while connected). */
  unsubscribe(topic: string): void
  /** Reports what no promise carries: a refusal, a bad topic message, a handler that threw. */
  report(err: unknown): void
  /** True for an error that means "not now" (a server over its limits, a timeout): the next open asks again. */
  transient?(err: unknown): boolean
}

/** @internal */
export interface Subscriptions {
  subscribe<T = unknown>(topic: string, handler?: TopicHandler<T>, options?: SubscribeOptions): Subscription<T>
  /** A publish notification's params: validate, dedupe by seq, dispatch. */
  deliver(params: unknown): void
  /**
   * The carrier is connected (a socket opened, a tab has a leader): from now on requests go out at once.
   * Returns every topic, for one batched frame (live objects: encode at once).
   */
  resubscribe(): SubscribeParams[]
  /** The answer to a batched resubscribe request, processed synchronously in frame order. */
  settled(topic: string, ok: boolean, value: unknown): void
  /** The carrier is lost (a socket ended, a leader left): new topics wait for the next `resubscribe()`. */
  lost(): void
  /** Final: rejects pending `ready`s with `err` (a ClientClosedError) and ends every iterator. */
  close(err: Error): void
}

/** One `subscribe` call: its stream, ended with the subscription, and what it was given. */
interface Subscriber extends Stream<unknown> {
  handler: TopicHandler<never> | undefined
  onGap: (() => void) | undefined
  // Buffering from the start without a handler, so a `for await` started late misses nothing;
  // with one, only once a loop starts, so an unused stream holds nothing.
  buffer: boolean
}

/** A topic: its subscriptions, and what the server is asked and told. */
interface Topic {
  entries: Set<Subscriber>
  /** The subscribe request's params; `after` is the cursor. */
  params: SubscribeParams
  ready: Promise<void>
  resolve(): void
  reject(err: unknown): void
  /** A message moved the cursor since the last request was sent: that cursor is newer than the answer's. */
  movedSinceRequest: boolean
}

/** @internal */
export function createSubscriptions(hooks: SubscriptionHooks): Subscriptions {
  const topics = new Map<string, Topic>()
  // Between resubscribe() and lost(): requests go out at once.
  let connected = false
  // Set by close(): every topic, even one subscribed later, ends with it.
  let closed: Error | undefined

  // Ends a topic for every subscriber: refused, unsubscribed or closed.
  const drop = (topic: Topic, err: unknown) => {
    topic.reject(err)
    topic.entries.forEach((subscriber) => subscriber.end())
    topic.entries.clear()
    topics.delete(topic.params.topic)
  }

  const settle = (topic: Topic | undefined, ok: boolean, value: unknown) => {
    // An answer for a topic that was dropped (and maybe created again) in the meantime is stale.
    if (!topic || topics.get(topic.params.topic) !== topic) return
    if (!ok) {
      // A lost socket, or a server that says "not now", is no refusal: the next open subscribes again.
      if (isConnectionClosedError(value) || hooks.transient?.(value)) return
      hooks.report(value)
      drop(topic, value)
      return
    }
    topic.resolve()
    const { seq, gap, epoch } = (value ?? {}) as SubscribeResult
    // A first subscribe adopts the server's seq as its cursor, so the next reconnect replays what it
    // missed; null is a numbered topic with no message yet, and numbers start at 1. After a gap the
    // cursor stays, and the messages the server still keeps (replayed right after this answer) pass it.
    // The server's numbering restarted (a restart without a shared history) when its seq is below the
    // cursor or its epoch is another: the cursor goes back to 0 and the new numbering's messages pass
    // too, even if messages moved the cursor since the request (they counted in the old numbering). A
    // first answer is adopted unless a message already moved the cursor past it, as that message must
    // never be delivered twice.
    const cursor = seq === null ? 0 : seq
    const after = topic.params.after
    if (typeof cursor === 'number') {
      if (after === undefined) {
        if (!topic.movedSinceRequest) topic.params.after = cursor
      }
      // (Also when one side names no numbering: after a gap the server replays nothing at or below `after`.)
      else if (gap && (cursor < after || epoch != topic.params.epoch)) topic.params.after = 0
    }
    // Sent back with the cursor, so that the server can tell a cursor of an older numbering.
    if (epoch) topic.params.epoch = epoch
    if (gap) topic.entries.forEach((subscriber) => subscriber.onGap?.())
  }

  const send = (topic: Topic) => {
    topic.movedSinceRequest = false
    hooks.subscribe(topic.params.topic, topic.params, (ok, value) => settle(topic, ok, value))
  }

  const create = (name: string, { params, after, epoch }: SubscribeOptions): Topic => {
    let resolve: () => void = () => {}
    let reject: (err: unknown) => void = () => {}
    const ready = new Promise<void>((onResolve, onReject) => {
      resolve = onResolve
      reject = onReject
    })
    // Refusals are reported (an `error` event); an unobserved `ready` must not also be an unhandled rejection.
    ready.catch(() => {})
    const topic: Topic = { entries: new Set(), params: { topic: name, params }, ready, resolve, reject, movedSinceRequest: false }
    if (after !== undefined) {
      topic.params.after = after
      if (epoch) topic.params.epoch = epoch
    }
    topics.set(name, topic)
    if (connected) send(topic)
    return topic
  }

  return {
    subscribe<T>(name: string, handler?: TopicHandler<T>, options: SubscribeOptions = {}) {
      const topic = topics.get(name) ?? create(name, options)
      const unsubscribe = () => {
        if (!topic.entries.delete(subscriber)) return
        subscriber.end()
        if (topic.entries.size) return
        drop(topic, abortError('lifeline: unsubscribed'))
        if (connected) hooks.unsubscribe(name)
      }
      const subscriber: Subscriber = Object.assign(createStream(unsubscribe), { handler, onGap: options.onGap, buffer: !handler })
      topic.entries.add(subscriber)
      if (closed) drop(topic, closed)
      // One stream per subscription: a second loop continues the first, one after the end ends at once.
      const iterate = () => {
        subscriber.buffer = true
        return subscriber as Stream<T>
      }
      return {
        topic: name,
        ready: topic.ready,
        get epoch() {
          return topic.params.epoch
        },
        unsubscribe,
        [Symbol.asyncIterator]: iterate,
      }
    },
    deliver(params) {
      const { topic: name, seq, data } = (params ?? {}) as PublishParams
      if (typeof name !== 'string' || (seq !== undefined && typeof seq !== 'number')) {
        hooks.report(new ProtocolError('lifeline: bad publish', params))
        return
      }
      const topic = topics.get(name)
      if (!topic) return
      const { after } = topic.params
      // Unnumbered messages always pass; a numbered one at or below the cursor was delivered already.
      if (seq !== undefined && after !== undefined && seq <= after) return
      if (seq !== undefined) {
        topic.params.after = seq
        topic.movedSinceRequest = true
      }
      // One meta per message, the same for each of its handlers: a handler on several subscriptions of
      // the topic can tell a message it has seen (the leader tab's hub broadcasts each message once).
      const meta: TopicMeta = { topic: name, seq }
      // Copy: a handler may unsubscribe itself or others.
      for (const subscriber of [...topic.entries]) {
        try {
          if (subscriber.buffer) subscriber.push(data)
          subscriber.handler?.(data as never, meta)
        } catch (err) {
          hooks.report(err)
        }
      }
    },
    resubscribe() {
      connected = true
      const all = [...topics.values()]
      for (const topic of all) topic.movedSinceRequest = false
      return all.map((topic) => topic.params)
    },
    settled: (name, ok, value) => settle(topics.get(name), ok, value),
    lost() {
      connected = false
    },
    close(err) {
      connected = false
      closed = err
      topics.forEach((topic) => drop(topic, err))
    },
  }
}
