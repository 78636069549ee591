/**
 * Checks and descriptions of values that come from outside: the params of
 * a frame, stored state, options. Shared by the messages, the sessions and
 * the option checks.
 * @module
 */

/** A plain object (not null, not an array): what params and stored state must be before their members are read. @internal */
export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value == 'object' && value !== null && !Array.isArray(value)

/** A count: a safe integer >= 0. @internal */
export const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0

/** What a value is, for an error message: `the string 'x'`, `null`, `a Promise`, a number, or its typeof. @internal */
export function describe(value: unknown): string {
  if (typeof value == 'string') return `the string '${value}'`
  if (value === null) return 'null'
  if (typeof (value as { then?: unknown } | undefined)?.then == 'function') return 'a Promise'
  return typeof value == 'number' ? String(value) : typeof value
}

/**
 * The longest prefix of `reason` that fits a WebSocket close frame (123 bytes of UTF-8; a longer
 * one makes `ws` throw). Also cuts the body of an HTTP refusal at the upgrade. @internal
 */
export function closeReason(reason: string): string {
  let fitting = reason
  while (Buffer.byteLength(fitting) > 123) fitting = fitting.slice(0, -1)
  return fitting
}
