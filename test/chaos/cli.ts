/**
 * `npm run chaos -- [--seed S] [--minutes M] [--clients N] [--pace MS] [--profile quick|long]
 * [--out DIR] [--heap-cycles C] [--redis]`. `--redis`: topics and write-through sessions on a
 * redis-server of the run's own, and the `freeze` fault (SIGSTOP, then SIGCONT). Prints the seed first (replay a run with the same seed), then the faults
 * as they are injected, then the figures; writes report.json and report.md to --out (default
 * chaos-report/). Exits non-zero when any check failed.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { reconnectHeap } from './heap'
import { randomSeed } from './prng'
import { markdown } from './report'
import { runChaos } from './run'

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`)
  return index >= 0 ? process.argv[index + 1] : undefined
}
function numeric(name: string, fallback: number): number {
  const value = argument(name)
  if (value === undefined) return fallback
  const parsed = Number(value)
  if (!Number.isFinite(parsed) || parsed <= 0) throw new RangeError(`chaos: --${name} must be a positive number, got ${value}`)
  return parsed
}

const profile = argument('profile') ?? 'quick'
if (profile !== 'quick' && profile !== 'long') throw new RangeError(`chaos: --profile must be quick or long, got ${profile}`)
const seed = numeric('seed', randomSeed())
const minutes = numeric('minutes', profile === 'quick' ? 1 : 30)
const clients = numeric('clients', profile === 'quick' ? 50 : 1000)
// The mean pause between two actions of one client. 300 ms for up to 200 clients (the rate the
// 5-minute run holds on 2 cores); above that it grows with the clients so the whole run offers the
// same load: at 300 ms, 1,000 clients in one process saturated this machine and timers fired
// seconds late, which says nothing about the library (docs/reliability.md).
const pace = numeric('pace', Math.max(300, Math.round((300 * clients) / 200)))
const cycles = numeric('heap-cycles', 10_000)
const out = argument('out') ?? 'chaos-report'
const redis = process.argv.includes('--redis')

const replay = `npm run chaos -- --seed ${seed} --minutes ${minutes} --clients ${clients} --pace ${pace}${redis ? ' --redis' : ''}`
console.log(`chaos: seed ${seed} (replay: ${replay})`)
const report = await runChaos({ seed, duration: minutes * 60_000, clients, pace, redis, log: (line) => console.log(`chaos: ${line}`) })
console.log(`chaos: reconnect heap check, ${cycles} cycles`)
const heap = await reconnectHeap(cycles)
if (!heap.passed) report.violations.push(`heap grew ${heap.growth} bytes over ${cycles} reconnect cycles (bound ${heap.bound})`)
report.passed = report.violations.length === 0
mkdirSync(out, { recursive: true })
writeFileSync(join(out, 'report.json'), JSON.stringify({ ...report, heap }, null, 2))
const summary = markdown(report, heap, replay)
writeFileSync(join(out, 'report.md'), summary)
console.log(summary)
process.exit(report.passed ? 0 : 1)
