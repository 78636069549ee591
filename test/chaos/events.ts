/**
 * The server-to-client rule, checked as events arrive (issue #26, defect 1: an event broadcast while
 * a client resumed arrived twice, once ahead of the replay and again in its place). The chaos server
 * (server-child.ts) numbers its events: `tick` (a broadcast) per process, `own` (a ctx.notify) per
 * session (naming it in `ctx`), each with its process's `boot`. Per client, kind, boot and session:
 *
 * - a number at or below the last one is a duplicate or a reordering: always a violation;
 * - a number more than one above the last is a hole (events lost): explained only by a new session
 *   since the last event (`resumed: false`: the server lost what it held for the client), or on
 *   Redis by a fault of Redis's (a frozen Redis lets a write-through session go, and the frames it
 *   could not keep do not leave: docs/scaling.md, "When Redis fails"); otherwise a violation.
 * - a `tick` lost across a graceful restart is a violation with either store: a session the old server
 *   handed over waits in the store until its client resumes, and both the in-memory store and
 *   `redisSessionStore` append each broadcast to the sessions they keep (docs/delivery.md, "Broadcasts to
 *   a session waiting in the store"). Before, `--redis` runs counted these apart as a known gap.
 *
 * Only the last number per (client, kind, boot) is kept: a long run delivers millions of events.
 */
import type { Injected } from './checker'

const SHOWN = 10
/** A hole is put down to a Redis fault that was in progress when it opened, or ended this long before it was seen. */
const REDIS_WINDOW = 10_000

export interface EventFigures {
  received: number
  /** A number at or below the last of its stream: delivered twice, or out of order. */
  repeated: number
  /** Holes after a new session (the server lost the session and what it held). */
  holesAfterNewSession: number
  /** Holes a Redis fault explains (filled in by {@link explainHoles}). */
  holesExplainedByRedis: number
  /** Holes nothing explains. */
  holes: number
}

/** A hole, kept until the end of the run to see whether a Redis fault explains it. */
interface Hole {
  client: number
  kind: string
  stream: string
  /** When the last event before it arrived, and when the one after it did. */
  from: number
  to: number
}

export interface EventChecker {
  event(client: number, kind: string, params: unknown, at: number): void
  /** The client's handshake was answered with a new session (`resumed: false`), now. */
  newSession(client: number): void
  readonly figures: EventFigures
  /** At the end: holes a Redis fault explains are counted apart; the others are violations. */
  explainHoles(injected: readonly Injected[], faults: ReadonlySet<string>): void
}

export function createEventChecker(violations: string[]): EventChecker {
  const figures: EventFigures = { received: 0, repeated: 0, holesAfterNewSession: 0, holesExplainedByRedis: 0, holes: 0 }
  const last = new Map<string, { n: number; at: number }>()
  // When each client last got a new session: a hole that spans it is the server's loss, reported as such.
  const renewed = new Map<number, number>()
  const holes: Hole[] = []

  return {
    figures,
    newSession(client) {
      renewed.set(client, Date.now())
    },
    event(client, kind, params, at) {
      figures.received++
      const { boot, ctx = '', n } = params as { boot: string; ctx?: string; n: number }
      const stream = `${client}:${kind}:${boot}:${ctx}`
      const previous = last.get(stream)
      if (previous && n <= previous.n) {
        figures.repeated++
        if (figures.repeated <= SHOWN) violations.push(`event ${kind} ${n} after ${previous.n}: client ${client}, process ${boot} (delivered twice or out of order)`)
        return
      }
      last.set(stream, { n, at })
      if (!previous || n === previous.n + 1) return
      if ((renewed.get(client) ?? -Infinity) >= previous.at) figures.holesAfterNewSession++
      else holes.push({ client, kind, stream: `${kind} ${previous.n + 1}..${n - 1} of process ${boot}`, from: previous.at, to: at })
    },
    explainHoles(injected, faults) {
      const redisFaults = injected.filter((fault) => faults.has(fault.kind))
      for (const hole of holes) {
        if (redisFaults.some((fault) => fault.start <= hole.to && fault.end + REDIS_WINDOW >= hole.from)) {
          figures.holesExplainedByRedis++
          continue
        }
        figures.holes++
        if (figures.holes <= SHOWN) violations.push(`events lost without a new session: client ${hole.client}, ${hole.stream} (between ${hole.from} and ${hole.to})`)
      }
    },
  }
}
