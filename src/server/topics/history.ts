/**
 * Topic history: the messages a reconnecting client may have missed, kept
 * by count and by age, and each topic's latest sequence number.
 * @module
 */
import { randomUUID } from 'node:crypto'

/** Limits of the built-in history store. */
export interface HistoryOptions {
  /** Messages kept per topic. @default 100 */
  limit?: number
  /** Messages older than this (ms) are forgotten. @default 300000 */
  maxAge?: number
  /** Time source, for tests. @default Date.now */
  now?: () => number
}

/** One kept message. */
export interface HistoryEntry {
  seq: number
  data: unknown
}

/**
 * Where topic messages are kept. The server numbers messages itself (`latest + 1`), so a
 * store shared by two servers (one replacing the other) continues the numbering. Synchronous:
 * it is an in-process store; see docs/server.md for several processes.
 * @example
 * const history = createHistory({ limit: 500 })
 * let server = createServer({ port, history })
 * await server.close(); server = createServer({ port, history }) // clients resume where they were
 */
export interface HistoryStore {
  /** The topic's latest sequence number, or null before its first message. */
  latest(topic: string): number | null
  /** Keep a message; `seq` is `latest(topic) + 1`. */
  append(topic: string, seq: number, data: unknown): void
  /**
   * The kept messages with a sequence number above `after`, oldest first; `gap` is true when
   * some of those were already forgotten, or when `after` is beyond `latest` (the history was reset).
   */
  since(topic: string, after: number): { messages: HistoryEntry[]; gap: boolean }
  /**
   * The identity of this numbering (optional): a store whose numbering may start again (a new
   * process, a new file) gives each numbering another one, so a client whose cursor counts in an
   * older one is answered with a gap and everything kept, even when its cursor is below `latest`.
   * The built-in stores have one; without it a restarted numbering is seen only when a cursor is
   * beyond `latest`.
   */
  readonly epoch?: string
}

/** A kept message and when it was kept. @internal */
export interface Kept extends HistoryEntry {
  at: number
}

/** One topic's latest number and kept messages, oldest first. @internal */
export interface KeptTopic {
  seq: number
  kept: Kept[]
}

/**
 * The in-memory bookkeeping behind {@link createHistory} and `fileHistory`: a {@link HistoryStore}
 * that also shows what it keeps (to write it elsewhere) and takes messages with their own time (to
 * read them back).
 * @internal
 */
export interface KeptHistory extends HistoryStore {
  /** Every topic with its latest number and the messages kept now (pruned first). */
  topics(): IterableIterator<[string, KeptTopic]>
  /** Keep a message read back from elsewhere, with the time it was first kept; `data` undefined: only its number. */
  load(topic: string, seq: number, data: unknown, at: number): void
}

/** A new numbering's identity ({@link HistoryStore.epoch}): short, and unlike any other. @internal */
export const newEpoch = () => randomUUID().slice(0, 13)

const count = (name: string, value: number, min: number) => {
  if (!(value >= min) || (value !== Infinity && !Number.isInteger(value)))
    throw new RangeError(`lifeline-ws/server: history.${name} must be an integer >= ${min}`)
  return value
}

/** @internal */
export function createKeptHistory(options: HistoryOptions = {}): KeptHistory {
  const limit = count('limit', options.limit ?? 100, 0)
  const maxAge = count('maxAge', options.maxAge ?? 300_000, 0)
  const now = options.now ?? Date.now
  const topics = new Map<string, KeptTopic>()

  const prune = (kept: Kept[]) => {
    const oldest = now() - maxAge
    let drop = Math.max(0, kept.length - limit)
    while (drop < kept.length && kept[drop]!.at < oldest) drop++
    if (drop) kept.splice(0, drop)
  }
  const keep = (topic: string, seq: number, data: unknown, at: number | undefined) => {
    const entry = topics.get(topic) ?? { seq, kept: [] }
    topics.set(topic, entry)
    entry.seq = Math.max(entry.seq, seq)
    if (at !== undefined) entry.kept.push({ seq, data, at })
    prune(entry.kept)
  }

  return {
    latest: (topic) => topics.get(topic)?.seq ?? null,
    append(topic, seq, data) {
      keep(topic, seq, data, now())
    },
    since(topic, after) {
      const entry = topics.get(topic)
      const latest = entry?.seq ?? 0
      if (!entry) return { messages: [], gap: after > latest }
      prune(entry.kept)
      const reset = after > latest
      const messages = entry.kept.filter((m) => reset || m.seq > after).map(({ seq, data }) => ({ seq, data }))
      const first = messages[0]?.seq ?? latest + 1
      return { messages, gap: reset || first > after + 1 }
    },
    *topics() {
      for (const [topic, entry] of topics) {
        prune(entry.kept)
        yield [topic, entry]
      }
    },
    load(topic, seq, data, at) {
      keep(topic, seq, data, data === undefined ? undefined : at)
    },
  }
}

/**
 * The built-in in-memory {@link HistoryStore}, bounded per topic by count and by age. It lives as
 * long as the process: pass one to successive servers of one process to keep the numbering across
 * a restart in place; for a history that outlives the process (a crash included), see `fileHistory`
 * (one process) and `redisBroker` (many).
 * @example
 * createServer({ port: 8080, history: createHistory({ limit: 1000, maxAge: 600000 }) })
 */
export function createHistory(options: HistoryOptions = {}): HistoryStore {
  const { latest, append, since } = createKeptHistory(options)
  // Its numbering starts with it: a new one (a new process) has a new epoch.
  return { latest, append, since, epoch: newEpoch() }
}
