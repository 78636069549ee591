/**
 * The broker seam: where topic messages are numbered, kept and fanned out
 * to every server process, where broadcasts cross processes, and where the
 * cluster-wide counts come from. The in-memory broker (the default) serves
 * one process; `redisBroker` serves many (docs/scaling.md).
 * @module
 */
import type { BroadcastStamp } from '../../sessions/store'
import type { HistoryEntry } from '../history'

/** A topic's latest number and the kept messages after a cursor, read in one consistent step. */
export interface BrokerHistory {
  /** The topic's latest sequence number, or null before its first message. */
  seq: number | null
  /** Kept messages numbered above `after`, oldest first (none when `after` was not given). */
  messages: HistoryEntry[]
  /** True when some messages after `after` are no longer kept, or `after` is beyond `seq` (the history was reset). */
  gap: boolean
  /** The numbering's identity (`HistoryStore.epoch`), when the history has one. */
  epoch?: string | undefined
}

/** What a broker tells its server. Given to {@link Broker.start}. */
export interface BrokerSink {
  /** A topic message, from any process (this one included), in sequence order per topic. */
  message(topic: string, seq: number, data: unknown): void
  /** A broadcast from another process: deliver it to this process's clients. `stamp`: as given to {@link Broker.broadcast}. */
  broadcast(event: string, params: unknown, stamp?: BroadcastStamp): void
  /** True when this process has subscribers for `topic` (so lost messages are worth fetching). */
  listening(topic: string): boolean
  /** This process's counts, for {@link Broker.cluster}. */
  counts(): ProcessCounts
  /** Errors nobody awaits (a broadcast that could not leave, a lost connection). */
  report(err: unknown): void
}

/** One process's counts. */
export interface ProcessCounts {
  /** Open sockets. */
  connections: number
  /** Live contexts (plain clients and sessions, also sessions waiting for their client). */
  clients: number
  /** Subscribers per topic. */
  topics: Record<string, number>
}

/** Counts over every process sharing a broker, from {@link Server.cluster}. */
export interface ClusterCounts extends ProcessCounts {
  /** Server processes that reported. */
  processes: number
}

/**
 * Numbers, keeps and distributes topic messages and broadcasts. Methods may answer synchronously
 * (the in-memory broker) or with a promise (Redis).
 * @example
 * import { createServer, redisBroker } from 'lifeline-ws/server'
 * createServer({ port: 8080, broker: redisBroker({ url: 'redis://127.0.0.1:6379' }) })
 */
export interface Broker {
  /** Begin: the server passes where messages arrive. Resolves once the broker can publish. */
  start(sink: BrokerSink): void | Promise<void>
  /** Number `data` (one sequence per topic, shared by every process), keep it and deliver it everywhere. */
  publish(topic: string, data: unknown): number | Promise<number>
  /** The topic's latest number, and the messages after `after` when given. */
  history(topic: string, after: number | undefined): BrokerHistory | Promise<BrokerHistory>
  /**
   * Deliver an event to the clients of every other process (this one delivers its own). `stamp`: which
   * broadcast it is; a broker that crosses processes hands it to their {@link BrokerSink.broadcast}.
   */
  broadcast(event: string, params: unknown, stamp?: BroadcastStamp): void | Promise<void>
  /** Counts over every process. */
  cluster(): ClusterCounts | Promise<ClusterCounts>
  /** Stop: release connections and timers. */
  stop(): void | Promise<void>
}
