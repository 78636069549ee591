/**
 * The name check of every store (a topic, an event, a method): development builds only, like the
 * client's option checks, since a name that is not a non-empty string is the developer's mistake.
 * @module
 */

/**
 * Throws a TypeError naming what `kind` needed. Callers guard it with
 * `process.env.NODE_ENV !== 'production'`, which bundlers replace, so production builds drop it.
 * @internal
 */
export function checkName(kind: string, name: unknown): void {
  if (typeof name !== 'string' || name === '') throw new TypeError(`lifeline-ws: ${kind} needs a name, got ${String(name)}`)
}
