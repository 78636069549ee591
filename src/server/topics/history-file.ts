/**
 * A topic history on disk, for one server process: the numbering and the
 * kept messages survive a restart of the process, a crash (`kill -9`)
 * included, with no other service. Each message is one JSON line appended
 * with a synchronous write before `publish` returns; the file is rewritten
 * (to a temporary file, then renamed over it) when it holds far more lines
 * than the history keeps.
 * @module
 */
import { closeSync, existsSync, openSync, readFileSync, renameSync, truncateSync, writeSync } from 'node:fs'
import { createKeptHistory, newEpoch, type HistoryOptions, type HistoryStore } from './history'

/** Options of {@link fileHistory}: the built-in history's limits. */
export type FileHistoryOptions = HistoryOptions

/** One line of the file: a topic, a number, and the message with when it was kept (absent: a number only). */
interface Line {
  t: string
  s: number
  d?: unknown
  a?: number
}

/** The file's first line: the identity of its numbering (`HistoryStore.epoch`), kept for the file's life. */
interface EpochLine {
  e: string
}

const isEpochLine = (value: unknown): value is EpochLine => typeof value == 'object' && value !== null && typeof (value as Partial<EpochLine>).e == 'string'

const isLine = (value: unknown): value is Line => {
  if (typeof value != 'object' || value === null) return false
  const { t, s, a } = value as Partial<Line>
  return typeof t == 'string' && Number.isSafeInteger(s) && (a === undefined || typeof a == 'number')
}

/**
 * The epoch and the lines of `path`. A last line cut short by a crash mid-write is left out and cut
 * off the file (the next line must not be appended to it); any other bad line is an error.
 */
function readLines(path: string): { epoch: string | undefined; lines: Line[] } {
  let epoch: string | undefined
  if (!existsSync(path)) return { epoch, lines: [] }
  const text = readFileSync(path, 'utf8')
  // Each line is written with its newline in one write: a last line without one is torn.
  const whole = text.slice(0, text.lastIndexOf('\n') + 1)
  if (whole.length < text.length) truncateSync(path, Buffer.byteLength(whole))
  const lines: Line[] = []
  whole.split('\n').forEach((row, index) => {
    if (!row) return
    let parsed: unknown
    try {
      parsed = JSON.parse(row)
    } catch (err) {
      throw new Error(`lifeline-ws/server: fileHistory: line ${index + 1} of ${path} is not JSON`, { cause: err })
    }
    if (isEpochLine(parsed)) epoch ??= parsed.e
    else if (isLine(parsed)) lines.push(parsed)
    else throw new Error(`lifeline-ws/server: fileHistory: line ${index + 1} of ${path} is not a history line`)
  })
  return { epoch, lines }
}

/**
 * A {@link HistoryStore} kept in a file, so that a server restarted on the same file (after a
 * graceful `close()` or a crash) continues every topic's numbering and replays what its clients
 * missed. For one process at a time: several processes share topics through `redisBroker`.
 * Messages must be JSON (as with the default protocol). The file holds what the history keeps
 * (`limit`, `maxAge`) and each topic's latest number; it is written with the operating system's
 * cache, so a crash of the process loses nothing, a power cut may lose the last writes.
 * @example
 * import { createServer, fileHistory } from 'lifeline-ws/server'
 * const server = createServer({ port: 8080, history: fileHistory('./topics.jsonl', { limit: 1000 }) })
 */
export function fileHistory(path: string, options: FileHistoryOptions = {}): HistoryStore {
  if (typeof path != 'string' || !path) throw new TypeError('lifeline-ws/server: fileHistory takes a file path (a non-empty string)')
  const now = options.now ?? Date.now
  const kept = createKeptHistory({ ...options, now })
  let written = 0
  const read = readLines(path)
  for (const line of read.lines) {
    kept.load(line.t, line.s, line.d, line.a ?? now())
    written++
  }
  // The file's numbering goes on with the file: a new file (or one emptied by hand) starts a new one.
  const epoch = read.epoch ?? newEpoch()
  const epochLine = JSON.stringify({ e: epoch })
  let fd = openSync(path, 'a')
  if (!read.epoch) writeSync(fd, `${epochLine}\n`)

  // Lines the file would hold if rewritten now: each kept message, or the number of a topic that keeps none.
  const size = () => {
    let lines = 0
    for (const [, topic] of kept.topics()) lines += Math.max(1, topic.kept.length)
    return lines
  }
  // Counting what is kept walks every topic, so it is done only when the file may have grown enough.
  const bound = () => 2 * size() + 1000
  let next = 0

  // Rewrite the file with what is kept now: a temporary file renamed over it, so a crash leaves one or the other whole.
  const compact = () => {
    const rows = [epochLine]
    for (const [name, topic] of kept.topics()) {
      if (!topic.kept.length) rows.push(JSON.stringify({ t: name, s: topic.seq }))
      for (const message of topic.kept) rows.push(JSON.stringify({ t: name, s: message.seq, d: message.data, a: message.at }))
    }
    const temporary = `${path}.${process.pid}.tmp`
    const out = openSync(temporary, 'w')
    try {
      writeSync(out, `${rows.join('\n')}\n`)
    } finally {
      closeSync(out)
    }
    renameSync(temporary, path)
    closeSync(fd)
    fd = openSync(path, 'a')
    written = rows.length - 1
  }
  const compactIfLong = () => {
    if (written <= next) return
    if (written > bound()) compact()
    next = bound()
  }

  // At start too: a file that an earlier process let grow is bounded.
  compactIfLong()

  return {
    epoch,
    latest: kept.latest,
    since: kept.since,
    append(topic, seq, data) {
      const at = now()
      // Written before it is kept: a message that could not be written takes no number.
      writeSync(fd, `${JSON.stringify({ t: topic, s: seq, d: data ?? null, a: at })}\n`)
      kept.load(topic, seq, data ?? null, at)
      written++
      compactIfLong()
    },
  }
}
