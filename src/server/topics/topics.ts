/**
 * Topic subscribers and fan-out in this process. The broker numbers and
 * keeps messages (for every process sharing it) and hands each one back
 * here, in order; this file sends it to the local subscribers, each at most
 * once (a per-subscriber cursor drops what it already sent), and answers a
 * subscribe with the replay after the client's cursor.
 * @module
 */
import { RpcError } from '../../errors'
import type { Protocol, SubscribeResult, WireFrame } from '../../protocol/protocol'
import type { Codes } from '../messages/codes'
import { assertEncodable, framesOf, type FrameFor } from '../messages/frames'
import type { Broker, BrokerHistory } from './broker/broker'

/** What topics need from a connection. @internal */
export interface Subscriber {
  /** The topics it is subscribed to. */
  readonly topics: ReadonlySet<string>
  /** Subscribed to `topic` now (its replay is about to be written). */
  subscribed(topic: string): void
  /** No longer subscribed to `topic`. */
  unsubscribed(topic: string): void
  /** The dialect its topic messages are encoded in. */
  readonly protocol: Protocol
  /** Write a topic message as it is (topics resume by cursors, not through sessions). */
  write(frame: WireFrame): void
}

/** A subscribe whose history was read: commit it when its answer is written, or cancel it. @internal */
export interface PreparedSubscribe {
  /** Subscribe now (synchronously, just before the answer is written): the answer and what to send right after it. */
  commit(): { result: Required<Pick<SubscribeResult, 'seq' | 'gap'>> & SubscribeResult; replay: WireFrame[] }
  /** The subscribe was withdrawn (unsubscribed, socket gone): forget it. */
  cancel(): void
}

/** @internal */
export interface Topics {
  /**
   * Start a subscribe: live messages from now on are held for `sub` while the history after
   * `after` is read, so that nothing is lost or doubled between the replay and live messages.
   * `epoch` is the numbering `after` counts in, as the client got it.
   */
  prepare(sub: Subscriber, topic: string, after: number | undefined, epoch?: string): Promise<PreparedSubscribe>
  remove(sub: Subscriber, topic: string): void
  /** A connection closed: forget all its subscriptions. */
  drop(sub: Subscriber): void
  publish(topic: string, data: unknown): number | Promise<number>
  /** A message from the broker: send it to this process's subscribers. */
  deliver(topic: string, seq: number, data: unknown): void
  /** True when this process has subscribers (or subscribes under way) for `topic`. */
  listening(topic: string): boolean
  /** Subscribers per topic in this process. */
  counts(): Record<string, number>
}

/** One subscriber of one topic: the last number sent to it, and live messages held while its history is read. */
interface Entry {
  last: number
  held: { seq: number; frame: Send }[] | undefined
}

/** A message's frame for one subscriber, undefined when its dialect cannot carry it. */
type Send = (sub: Subscriber) => WireFrame | undefined

/**
 * `codes.overloaded` answers a subscribe that failed for a passing reason (the broker is unreachable):
 * the client asks again on its next open. `dialects`: every dialect the server speaks (they share the
 * publish method); each message is encoded once per dialect its subscribers use. A subscriber whose
 * dialect cannot encode a message (JSON, and data with bytes in it) does not get it, and `report` hears
 * of it once per message.
 * @internal
 */
export function createTopics(broker: Broker, dialects: readonly Protocol[], codes: Codes, report: (err: unknown) => void): Topics {
  const byTopic = new Map<string, Map<Subscriber, Entry>>()
  const method = dialects[0]!.publish
  const framesFor = (topic: string, seq: number, data: unknown) => framesOf({ type: 'notification', method, params: { topic, seq, data: data ?? null } })
  /** Each frame for its subscriber's dialect; refusals reported once per message. */
  const sender = (frameFor: FrameFor): Send => {
    const told = new Set<Error>()
    return (sub) => {
      const frame = frameFor(sub.protocol)
      if (!(frame instanceof Error)) return frame
      if (!told.has(frame)) report(frame)
      told.add(frame)
      return undefined
    }
  }

  const forget = (sub: Subscriber, topic: string, only?: Entry) => {
    const entries = byTopic.get(topic)
    if (only && entries?.get(sub) !== only) return
    if (!only) sub.unsubscribed(topic)
    // Empty maps go, so clients cannot grow the map with topics nobody publishes to.
    if (entries?.delete(sub) && !entries.size) byTopic.delete(topic)
  }

  async function read(topic: string, after: number | undefined): Promise<BrokerHistory> {
    try {
      return await broker.history(topic, after)
    } catch (err) {
      throw new RpcError(codes.overloaded, 'Topic history unavailable; subscribe again later', { topic, reason: err instanceof Error ? err.message : String(err) })
    }
  }

  return {
    async prepare(sub, topic, after, epoch) {
      const entries = byTopic.get(topic) ?? new Map<Subscriber, Entry>()
      byTopic.set(topic, entries)
      const entry: Entry = { last: 0, held: [] }
      entries.set(sub, entry)
      let history: BrokerHistory
      try {
        history = await read(topic, after)
        // The cursor counts in another numbering (the history started again, in a new process): by its
        // number alone it may look recent, yet everything kept now is new to this client.
        if (after !== undefined && epoch !== undefined && history.epoch !== undefined && epoch !== history.epoch) {
          history = { ...(await read(topic, 0)), gap: true }
        }
      } catch (err) {
        forget(sub, topic, entry)
        throw err
      }
      return {
        commit() {
          const { seq, messages, gap, epoch: current } = history
          // After a gap too, what is still kept is replayed: the client keeps its cursor (or, after a reset
          // of the numbering, starts again from 0) and takes these; onGap tells it that older ones are gone.
          entry.last = Math.max(seq ?? 0, messages.at(-1)?.seq ?? 0)
          const replay: WireFrame[] = []
          const add = (frame: WireFrame | undefined) => {
            if (frame !== undefined) replay.push(frame)
          }
          for (const message of messages) add(sender(framesFor(topic, message.seq, message.data))(sub))
          for (const held of entry.held ?? []) {
            if (held.seq <= entry.last) continue
            entry.last = held.seq
            add(held.frame(sub))
          }
          entry.held = undefined
          sub.subscribed(topic)
          return { result: current === undefined ? { seq, gap } : { seq, gap, epoch: current }, replay }
        },
        cancel: () => forget(sub, topic, entry),
      }
    },
    remove: (sub, topic) => forget(sub, topic),
    drop(sub) {
      for (const [topic, entries] of [...byTopic]) if (entries.has(sub)) forget(sub, topic)
    },
    publish(topic, data) {
      if (typeof topic != 'string' || !topic) throw new TypeError('lifeline-ws/server: topic must be a non-empty string')
      // Encode first: data that no dialect can send must not take a sequence number.
      assertEncodable(framesFor(topic, 0, data), dialects)
      return broker.publish(topic, data)
    },
    deliver(topic, seq, data) {
      const entries = byTopic.get(topic)
      if (!entries) return
      const frameOf = sender(framesFor(topic, seq, data))
      for (const [sub, entry] of entries) {
        if (entry.held) entry.held.push({ seq, frame: frameOf })
        else if (seq > entry.last) {
          entry.last = seq
          const frame = frameOf(sub)
          if (frame !== undefined) sub.write(frame)
        }
      }
    },
    listening: (topic) => byTopic.has(topic),
    counts() {
      const counts: Record<string, number> = {}
      for (const [topic, entries] of byTopic) counts[topic] = entries.size
      return counts
    },
  }
}
