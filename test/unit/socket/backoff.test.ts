import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { backoff } from '../../../src/socket/backoff'
import type { BackoffOptions } from '../../../src/socket/backoff'

const defaults: BackoffOptions = { initialDelay: 1000, maxDelay: 30000, factor: 2, jitter: 'full' }
const options = fc.record({
  initialDelay: fc.integer({ min: 1, max: 10_000 }),
  extra: fc.integer({ min: 0, max: 100_000 }),
  factor: fc.double({ min: 1, max: 4, noNaN: true }),
  jitter: fc.oneof(fc.constant('full' as const), fc.double({ min: 0, max: 1, noNaN: true })),
}).map(({ extra, ...o }) => ({ ...o, maxDelay: o.initialDelay + extra }))
const random = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true })

describe('backoff', () => {
  it('grows by factor from initialDelay and stops at maxDelay', () => {
    const top = (attempt: number) => backoff(attempt, { ...defaults, jitter: 0 }, () => 0.5)
    expect([0, 1, 2, 3, 4, 5, 6, 20].map(top)).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000])
  })

  it('full jitter spans [0, capped]', () => {
    expect(backoff(3, defaults, () => 0)).toBe(0)
    expect(backoff(3, defaults, () => 0.5)).toBe(4000)
    expect(backoff(3, defaults, () => 0.999999)).toBe(8000)
    expect(backoff(50, defaults, () => 0.999999)).toBe(30000)
  })

  it('a jitter ratio r takes up to r of the capped delay off', () => {
    const o = { ...defaults, jitter: 0.25 }
    expect(backoff(2, o, () => 0)).toBe(4000)
    expect(backoff(2, o, () => 0.999999)).toBe(3000)
  })

  it('stays within bounds for any options and random value', () => {
    fc.assert(
      fc.property(options, fc.nat(1000), random, (o, attempt, r) => {
        const capped = Math.min(o.maxDelay, o.initialDelay * o.factor ** attempt)
        const low = o.jitter === 'full' ? 0 : capped * (1 - o.jitter)
        const delay = backoff(attempt, o, () => r)
        return Number.isFinite(delay) && delay >= Math.floor(low) && delay <= Math.ceil(capped) && delay <= o.maxDelay
      }),
    )
  })

  // Known bug, reported to the lead: 0 * factor ** attempt is NaN once the power
  // overflows to Infinity. Drop `.fails` when backoff.ts guards it.
  it('initialDelay 0 gives 0 at any attempt, never NaN', () => {
    expect(backoff(2000, { ...defaults, initialDelay: 0 }, () => 0.5)).toBe(0)
  })

  it('spreads a crowd: full jitter is roughly uniform', () => {
    let seed = 1
    const lcg = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646
    const delays = Array.from({ length: 4000 }, () => backoff(2, defaults, lcg))
    const buckets = [0, 0, 0, 0]
    for (const d of delays) buckets[Math.min(3, Math.floor(d / 1000))]!++
    for (const b of buckets) expect(b).toBeGreaterThan(800)
  })
})
