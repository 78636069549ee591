/**
 * A session's memory of keyed messages (`once`, docs/protocol.md, "Keyed
 * messages"): each origin's highest `n` so far, so a message written twice
 * runs once, and the answers of the latest keyed requests, so a request
 * written twice gets the first run's answer. `lifeline-ws/share` writes a
 * tab's frame twice when the leader tab that wrote it left before the tab
 * learned so, and the next leader writes it again.
 * @module
 */
import type { ErrorObject, Once } from '../../protocol/protocol'

/** Origins remembered per session; the least recently used is forgotten first. @internal */
export const MAX_ORIGINS = 64
/**
 * How far below an origin's highest `n` a message may still arrive late and run (a call the old leader
 * tab never wrote, sent again after notifications a stored outbox had already written). Anything
 * further below counts as run. @internal
 */
export const WINDOW = 256
/** Answers of keyed requests remembered per session; the oldest is forgotten first. @internal */
export const MAX_ANSWERS = 256

/** A keyed request's answer without its id; undefined when it got none (the server was closing). @internal */
export type KeptAnswer = { result: unknown } | { error: ErrorObject } | undefined

/** @internal */
export interface Repeats {
  /** True when a message with `once` ran before in this session; false, and it counts as run from now on. */
  seen(once: Once): boolean
  /** What the request keyed `once` was (or, while it runs, will be) answered; undefined once forgotten. */
  answer(once: Once): Promise<KeptAnswer> | undefined
  /** Remember the answer of the request keyed `once`, which runs now. */
  keep(once: Once, answer: Promise<KeptAnswer>): void
  /** The `n`s that ran, per origin (within {@link WINDOW} of its highest), for the session store. */
  marks(): Record<string, number[]>
}

const keyOf = ([origin, n]: Once) => `${n}:${origin}`

/** @internal */
export function createRepeats(marks: Readonly<Record<string, readonly number[]>> = {}): Repeats {
  // Per origin: its highest n and the ns that ran within WINDOW of it. Not a single high-water mark:
  // an origin's numbers need not arrive in order (a tab's `send`s take numbers and carry no key; a call
  // kept only in the old leader's memory is sent again after notifications its stored outbox wrote).
  // Insertion order is recency: an origin is moved to the end each time it is seen.
  const origins = new Map<string, { highest: number; ran: Set<number> }>()
  for (const [origin, ran] of Object.entries(marks)) {
    if (Array.isArray(ran)) origins.set(origin, { highest: Math.max(0, ...ran), ran: new Set(ran) })
  }
  const answers = new Map<string, Promise<KeptAnswer>>()
  return {
    seen([origin, n]) {
      const marks = origins.get(origin) ?? { highest: 0, ran: new Set<number>() }
      origins.delete(origin)
      origins.set(origin, marks)
      if (origins.size > MAX_ORIGINS) origins.delete(origins.keys().next().value!)
      if (n <= marks.highest - WINDOW || marks.ran.has(n)) return true
      marks.ran.add(n)
      if (n > marks.highest) {
        marks.highest = n
        // Only now can numbers fall out of the window; pruned in a batch, not per message.
        if (marks.ran.size > 2 * WINDOW) for (const old of marks.ran) if (old <= n - WINDOW) marks.ran.delete(old)
      }
      return false
    },
    answer: (once) => answers.get(keyOf(once)),
    keep(once, answer) {
      answers.set(keyOf(once), answer)
      if (answers.size > MAX_ANSWERS) answers.delete(answers.keys().next().value!)
    },
    marks() {
      const kept: Record<string, number[]> = {}
      for (const [origin, { highest, ran }] of origins) kept[origin] = [...ran].filter((n) => n > highest - WINDOW)
      return kept
    },
  }
}
