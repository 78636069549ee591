/**
 * The retry delay: a pure function of the attempt number, so tests and users
 * can replace it instead of waiting on real time.
 * @module
 */
import type { BackoffOptions } from '../options'

/**
 * Exponential backoff with a cap and jitter. `attempt` counts from 0.
 * With `jitter: 'full'` the delay is uniform in [0, min(maxDelay, initialDelay·factor^attempt)],
 * which spreads a crowd of clients evenly instead of in waves; with a ratio r it is
 * the capped delay minus up to r of it.
 * @example
 * backoff(3, { initialDelay: 1000, maxDelay: 30000, factor: 2, jitter: 'full' }, Math.random) // 0–8000
 */
export function backoff(attempt: number, { initialDelay, maxDelay, factor, jitter }: BackoffOptions, random: () => number): number {
  // `initialDelay &&` keeps 0 * Infinity (a huge attempt) from becoming NaN.
  const capped = Math.min(maxDelay, initialDelay && initialDelay * factor ** attempt)
  return Math.round(capped * (jitter == 'full' ? random() : 1 - jitter * random()))
}
