/**
 * A session's memory of keyed messages (`once`, docs/protocol.md, "Keyed
 * messages"): each origin's highest `n` so far, so a message written twice
 * runs once, and the answers of the latest keyed requests, so a request
 * written twice gets the first run's answer. `lifeline-ws/share` writes a
 * tab's frame twice when the leader tab that wrote it left before the tab
 * learned so, and the next leader writes it again.
 * @module
 */
import type { ErrorObject, Once } from '../protocol/protocol'

/** Origins remembered per session; the least recently used is forgotten first. @internal */
export const MAX_ORIGINS = 64
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
  /** Each origin's highest `n`, for the session store. */
  marks(): Record<string, number>
}

const keyOf = ([origin, n]: Once) => `${n}:${origin}`

/** @internal */
export function createRepeats(marks: Readonly<Record<string, number>> = {}): Repeats {
  // Insertion order is recency: an origin is moved to the end each time it is seen.
  const highest = new Map(Object.entries(marks))
  const answers = new Map<string, Promise<KeptAnswer>>()
  return {
    seen([origin, n]) {
      const mark = highest.get(origin) ?? 0
      highest.delete(origin)
      highest.set(origin, Math.max(mark, n))
      if (highest.size > MAX_ORIGINS) highest.delete(highest.keys().next().value!)
      // An origin's messages reach the session in the order of their n (each origin writes in order,
      // and the session keeps the order), so one mark per origin tells every message it ran.
      return n <= mark
    },
    answer: (once) => answers.get(keyOf(once)),
    keep(once, answer) {
      answers.set(keyOf(once), answer)
      if (answers.size > MAX_ANSWERS) answers.delete(answers.keys().next().value!)
    },
    marks: () => Object.fromEntries(highest),
  }
}
