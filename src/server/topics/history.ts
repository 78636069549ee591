/**
 * Topic history: the messages a reconnecting client may have missed, kept
 * by count and by age, and each topic's latest sequence number.
 * @module
 */

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
}

interface Kept extends HistoryEntry {
  at: number
}

const count = (name: string, value: number, min: number) => {
  if (!(value >= min) || (value !== Infinity && !Number.isInteger(value)))
    throw new RangeError(`lifeline-ws/server: history.${name} must be an integer >= ${min}`)
  return value
}

/**
 * The built-in in-memory {@link HistoryStore}, bounded per topic by count and by age.
 * @example
 * createServer({ port: 8080, history: createHistory({ limit: 1000, maxAge: 600000 }) })
 */
export function createHistory(options: HistoryOptions = {}): HistoryStore {
  const limit = count('limit', options.limit ?? 100, 0)
  const maxAge = count('maxAge', options.maxAge ?? 300_000, 0)
  const now = options.now ?? Date.now
  const topics = new Map<string, { seq: number; kept: Kept[] }>()

  const prune = (kept: Kept[]) => {
    const oldest = now() - maxAge
    let drop = Math.max(0, kept.length - limit)
    while (drop < kept.length && kept[drop]!.at < oldest) drop++
    if (drop) kept.splice(0, drop)
  }

  return {
    latest: (topic) => topics.get(topic)?.seq ?? null,
    append(topic, seq, data) {
      const entry = topics.get(topic) ?? { seq, kept: [] }
      topics.set(topic, entry)
      entry.seq = seq
      entry.kept.push({ seq, data, at: now() })
      prune(entry.kept)
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
  }
}
