// Interleaved rounds of CPU time per frame, for the one-process benches (bench/hotpath.mjs).
// Each round runs every contender once per case, in a rotated order, so that a slow spell of a
// shared machine lands on all of them; CPU time rather than wall time, so that a descheduled
// process does not count as slow.
import { median, table } from './stats.mjs'

/** Runs one set-up case and returns its CPU time in ns per frame. */
export async function measure(setUp, kind, n) {
  globalThis.gc?.()
  const c = await setUp(kind)
  const t0 = process.cpuUsage()
  await c.run()
  const used = process.cpuUsage(t0)
  c.close()
  return ((used.user + used.system) * 1000) / n
}

/**
 * `contenders`: [name, setUp(kind)] pairs, the first one the baseline; `setUp` resolves to
 * `{ run(), close() }`, set up untimed, with `run()` timed for `n` frames. Round 0 warms the JIT up
 * and is not counted. `sample(name, setUp, kind)` takes one sample (default: `measure` in this
 * process). Returns the markdown table of medians in ns per frame.
 */
export async function cpuRounds({ kinds, contenders, rounds, n, sample = (_, setUp, kind) => measure(setUp, kind, n) }) {
  const samples = new Map()
  for (const kind of kinds) for (const [name] of contenders) samples.set(`${kind}|${name}`, [])
  for (let r = 0; r < rounds + 1; r++) {
    for (const kind of kinds) {
      const order = contenders.map((_, i) => contenders[(i + r) % contenders.length])
      for (const [name, setUp] of order) {
        const ns = await sample(name, setUp, kind)
        if (r > 0) samples.get(`${kind}|${name}`).push(ns)
      }
    }
  }
  const rows = []
  for (const kind of kinds) {
    const base = median(samples.get(`${kind}|${contenders[0][0]}`))
    for (const [name] of contenders) {
      const ns = median(samples.get(`${kind}|${name}`))
      rows.push([kind, name, `${Math.round(ns)} ns`, `${(ns / base).toFixed(2)}×`, `+${Math.round(ns - base)} ns`])
    }
  }
  return table(['case', 'build', 'per frame', `vs ${contenders[0][0]}`, `over ${contenders[0][0]}`], rows)
}
