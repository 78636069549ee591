/**
 * The retry delay: a pure function of the attempt number, so tests and users
 * can replace it instead of waiting on real time.
 * @module
 */

/** The numbers the backoff function works from (the resolved `reconnect` options). */
export interface BackoffOptions {
  initialDelay: number
  maxDelay: number
  factor: number
  jitter: 'full' | number
}

/**
 * Exponential backoff with a cap and jitter. `attempt` counts from 0.
 * With `jitter: 'full'` the delay is uniform in [0, min(maxDelay, initialDelay·factor^attempt)],
 * which spreads a crowd of clients evenly instead of in waves; with a ratio r it is
 * the capped delay minus up to r of it.
 * @example
 * backoff(3, { initialDelay: 1000, maxDelay: 30000, factor: 2, jitter: 'full' }, Math.random) // 0–8000
 */
export function backoff(attempt: number, { initialDelay, maxDelay, factor, jitter }: BackoffOptions, random: () => number): number {
  // A zero initialDelay stays zero: 0 * Infinity (a huge attempt) would be NaN.
  const grown = initialDelay === 0 ? 0 : initialDelay * factor ** attempt
  const capped = Math.min(maxDelay, grown)
  const share = jitter === 'full' ? random() : 1 - jitter * random()
  return Math.round(capped * share)
}
