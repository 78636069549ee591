/**
 * A small seeded PRNG (mulberry32) and the draws the chaos suite makes from
 * it. One seed gives one fault schedule and one workload plan, on any machine.
 */

/** A source of uniform floats in [0, 1) and the helpers built on it. */
export interface Random {
  (): number
  /** An integer in [min, max], both included. */
  int(min: number, max: number): number
  /** A float in [min, max). */
  between(min: number, max: number): number
  pick<T>(items: readonly T[]): T
  chance(probability: number): boolean
  /** A new independent stream, derived from this one (one per client, so clients do not share draws). */
  fork(): Random
}

export function seeded(seed: number): Random {
  let state = seed >>> 0
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let mixed = state
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1)
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61)
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296
  }
  const random = next as Random
  random.int = (min, max) => min + Math.floor(next() * (max - min + 1))
  random.between = (min, max) => min + next() * (max - min)
  random.pick = (items) => items[Math.floor(next() * items.length)]!
  random.chance = (probability) => next() < probability
  random.fork = () => seeded(Math.floor(next() * 4294967296))
  return random
}

/** A fresh seed for a run that was not given one. */
export const randomSeed = (): number => Math.floor(Math.random() * 2 ** 31)
