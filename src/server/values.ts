/**
 * Descriptions of values for the server's messages: what a value is, for an
 * error that names it, and a close reason cut to fit. The checks of values
 * from outside are src/checks.ts, shared with the client.
 * @module
 */

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
