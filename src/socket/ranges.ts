/**
 * The number options that can make a reconnect storm or a hang when they are
 * negative, NaN, or too large for a timer, and the one check that refuses them
 * in EVERY build (production and the CDN's `.min.js` too). The development
 * checks (validate.ts) add names, types and choices; their number rules read
 * the same table, so both builds say the same thing. docs/troubleshooting.md,
 * "What each build checks".
 * @module
 */

/** The longest wait a timer can hold, 2^31 - 1 ms (24.8 days): a longer one fires at once. */
export const MAX_WAIT = 2147483647

/** Says what a number option must be when `value` is not that; `undefined` when it is. */
export type Check = (value: unknown) => string | undefined

/** A number from `min` to `max` (`Infinity`: no upper bound); `orInfinity` allows Infinity above a finite `max`. */
export const between = (min: number, max: number, orInfinity = false): Check => (value) =>
  typeof value == 'number' && ((value >= min && value <= max) || (orInfinity && value === Infinity))
    ? undefined
    : `a number from ${min} to ${max}${orInfinity ? ' or Infinity' : ''}`

const fraction = between(0, 1)

/** Every number option of `createSocket`, by its dotted name (and `reconnect.jitter`, 'full' or a number). */
export const socketRanges: Record<string, Check> = {
  connectTimeout: between(1, MAX_WAIT),
  'reconnect.initialDelay': between(0, MAX_WAIT),
  // A cap above MAX_WAIT would let the growing delay overflow a timer after ~30 attempts: a storm.
  'reconnect.maxDelay': between(0, MAX_WAIT),
  'reconnect.factor': between(1, Infinity),
  // 1 - jitter * random() must stay in [0, 1]: a jitter of 2 makes negative delays.
  'reconnect.jitter': (value) => (value === 'full' || !fraction(value) ? undefined : "'full' or a number from 0 to 1"),
  'reconnect.maxRetries': between(0, Infinity),
  'reconnect.resetAfter': between(0, MAX_WAIT),
  'heartbeat.interval': between(1, MAX_WAIT),
  'heartbeat.timeout': between(1, MAX_WAIT),
  'queue.maxMessages': between(1, Infinity),
  'queue.maxBytes': between(1, Infinity),
  'queue.ttl': between(1, MAX_WAIT, true),
  'queue.highWaterMark': between(0, Infinity),
}

/**
 * Throws a RangeError naming the first option of `options` that its check refuses (`reconnect.maxDelay`);
 * options left out, and sections turned off (`reconnect: false`), are skipped.
 * @example
 * checkRanges({ reconnect: { maxDelay: -1 } }, socketRanges) // RangeError: lifeline: reconnect.maxDelay must be a number from 0 to 2147483647
 */
export function checkRanges(options: object, ranges: Record<string, Check>): void {
  const sections = options as Record<string, Record<string, unknown> | false | undefined>
  for (const name in ranges) {
    const [section, key] = name.split('.') as [string, string?]
    const value = key === undefined ? sections[section] : (sections[section] || undefined)?.[key]
    const want = value === undefined ? undefined : ranges[name]!(value)
    if (want) throw new RangeError(`lifeline: ${name} must be ${want}`)
  }
}
