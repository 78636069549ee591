// Interleaved rounds: every contender runs once per round, in an order that
// rotates each round, so drift (thermal, GC, the other core) hits all alike.
import { median, ratio, table, formatMs } from './stats.mjs'

/**
 * @param names contender names; the first is the baseline
 * @param runOne async (name, n) => elapsed ms
 */
export async function interleave(names, { rounds, n, warmup }, runOne) {
  for (const name of names) await runOne(name, warmup)
  const samples = Object.fromEntries(names.map((name) => [name, []]))
  for (let r = 0; r < rounds; r++) {
    const order = names.map((_, i) => names[(i + r) % names.length])
    for (const name of order) samples[name].push(await runOne(name, n))
  }
  return samples
}

/** Rows of name, median, rate, ratio to the first (baseline) contender, and every sample. */
export function summarize(samples, n) {
  const names = Object.keys(samples)
  const base = median(samples[names[0]])
  return names.map((name) => {
    const ms = median(samples[name])
    return { name, medianMs: ms, perSecond: Math.round((n / ms) * 1000), ratio: ms / base, samples: samples[name].map((v) => Math.round(v)) }
  })
}

/** The table printed for one comparison. */
export function throughputTable(rows, baseline) {
  return table(['contender', 'median', 'msg/s', `time vs ${baseline}`, 'rounds (ms)'], rows.map((r) => [
    r.name, formatMs(r.medianMs), r.perSecond.toLocaleString('en-US'), ratio(r.medianMs, rows[0].medianMs), r.samples.join(' '),
  ]))
}
