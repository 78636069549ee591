/**
 * Topic subscribers and fan-out. Numbers every published message, keeps it
 * in the history store, and answers a subscribe with the replay after the
 * client's cursor.
 * @module
 */
import type { Protocol, SubscribeResult } from '../protocol/protocol'
import type { HistoryStore } from './history'

/** What topics need from a connection. @internal */
export interface Subscriber {
  readonly topics: Set<string>
  send(frame: string): void
}

/** @internal */
export interface Topics {
  /**
   * Subscribe now (synchronously, so no publish slips between the answer and the replay).
   * Returns the subscribe result and the replay frames to send right after it (none after a gap).
   */
  add(sub: Subscriber, topic: string, after: number | undefined): { result: Required<SubscribeResult>; replay: string[] }
  remove(sub: Subscriber, topic: string): void
  /** A connection closed: forget all its subscriptions. */
  drop(sub: Subscriber): void
  publish(topic: string, data: unknown): number
}

/** @internal */
export function createTopics(history: HistoryStore, protocol: Protocol): Topics {
  const subscribers = new Map<string, Set<Subscriber>>()
  const frame = (topic: string, seq: number, data: unknown) =>
    protocol.encode({ type: 'notification', method: protocol.publish, params: { topic, seq, data: data ?? null } })

  const remove = (sub: Subscriber, topic: string) => {
    sub.topics.delete(topic)
    const set = subscribers.get(topic)
    // Empty sets go, so clients cannot grow the map with topics nobody publishes to.
    if (set?.delete(sub) && !set.size) subscribers.delete(topic)
  }

  return {
    add(sub, topic, after) {
      const set = subscribers.get(topic) ?? new Set()
      subscribers.set(topic, set.add(sub))
      sub.topics.add(topic)
      const seq = history.latest(topic)
      if (after === undefined) return { result: { seq, gap: false }, replay: [] }
      const { messages, gap } = history.since(topic, after)
      // After a gap the app refetches and the client moves its cursor to `seq`: a partial replay would be dropped.
      return { result: { seq, gap }, replay: gap ? [] : messages.map((m) => frame(topic, m.seq, m.data)) }
    },
    remove,
    drop(sub) {
      for (const topic of [...sub.topics]) remove(sub, topic)
    },
    publish(topic, data) {
      if (typeof topic != 'string' || !topic) throw new TypeError('lifeline-ws/server: topic must be a non-empty string')
      const seq = (history.latest(topic) ?? 0) + 1
      // Encode before storing: data that cannot be sent must not take a sequence number.
      const encoded = frame(topic, seq, data)
      history.append(topic, seq, data)
      for (const sub of subscribers.get(topic) ?? []) sub.send(encoded)
      return seq
    },
  }
}
