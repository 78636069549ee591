/**
 * `npm run sim`: runs seeds of the deterministic simulation and prints what
 * failed, with the trace of its last steps.
 *
 *   npm run sim -- --seed 123            one seed (replays exactly)
 *   npm run sim -- --seeds 500           seeds 1..500 (or --from S --seeds N)
 *   npm run sim -- --profile long        bigger worlds, longer runs
 *   npm run sim -- --trace               with --seed: print every step
 *   npm run sim -- --faults crash,reset  only these faults
 *   npm run sim -- --replay              run each seed twice and compare the digests of every step
 * @module
 */
import { formatSteps } from './kernel/trace'
import { runSeed, type RunResult } from './run'
import { PROFILES } from './world/config'
import type { FaultKind } from './world/faults'
import { ADAPTER, serverProcess, STRICT } from './world/adapter'

interface Args {
  seed?: number
  from: number
  seeds: number
  profile: keyof typeof PROFILES
  trace: boolean
  replay: boolean
  faults?: FaultKind[]
  keepGoing: boolean
  strict: boolean
}

function parse(argv: readonly string[]): Args {
  const args: Args = { from: 1, seeds: 100, profile: 'quick', trace: false, replay: false, keepGoing: false, strict: false }
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index]!
    const value = () => {
      const next = argv[++index]
      if (next === undefined) throw new RangeError(`${flag} needs a value`)
      return next
    }
    if (flag === '--seed') args.seed = Number(value())
    else if (flag === '--seeds') args.seeds = Number(value())
    else if (flag === '--from') args.from = Number(value())
    else if (flag === '--profile') args.profile = value()
    else if (flag === '--trace') args.trace = true
    else if (flag === '--replay') args.replay = true
    else if (flag === '--keep-going') args.keepGoing = true
    else if (flag === '--strict') args.strict = true
    else if (flag === '--faults') args.faults = value().split(',').filter(Boolean) as FaultKind[]
    else throw new RangeError(`unknown flag ${flag}`)
  }
  if (!(args.profile in PROFILES)) throw new RangeError(`--profile must be one of ${Object.keys(PROFILES).join(', ')}`)
  return args
}

const summary = (result: RunResult) =>
  `seed ${result.seed}: ${result.finding ? `FAILED (${result.finding.kind})` : 'ok'}, ${result.steps} steps, ${result.virtualMs} virtual ms, ` +
  `${result.config.clients.count} clients, ${result.config.servers.slots} servers${result.config.servers.writeThrough ? ' (write-through)' : ''} ` +
  `(maxInFlight ${result.config.servers.maxInFlight}, session ttl ${result.config.servers.ttl} ms), ` +
  `${Object.entries(result.figures).map(([name, value]) => `${name} ${value}`).join(', ')}`

function report(result: RunResult, args: Args) {
  console.log(summary(result))
  if (args.trace && result.all) console.log(formatSteps(result.all))
  const finding = result.finding
  if (!finding) return
  console.log(`\n${finding.kind} at ${finding.at} ms (step ${finding.step}): ${finding.text}`)
  if (!args.trace) console.log(`\nthe last ${result.last.length} steps:\n${formatSteps(result.last)}`)
  const src = process.env.LIFELINE_SIM_SRC ? ` --src ${process.env.LIFELINE_SIM_SRC}` : ''
  console.log(`\nreplay: npm run sim -- --seed ${result.seed}${args.profile === 'quick' ? '' : ` --profile ${args.profile}`}${args.faults ? ` --faults ${args.faults.join(',')}` : ''}${src} --trace\n`)
}

async function main() {
  const args = parse(process.argv.slice(2))
  const seeds = args.seed === undefined ? Array.from({ length: args.seeds }, (_, index) => args.from + index) : [args.seed]
  const base = { profile: args.profile, factory: serverProcess, strict: STRICT || args.strict, ...(args.faults ? { faults: args.faults } : {}) }
  console.log(`server: ${ADAPTER}`)
  const started = performance.now()
  const cpuStarted = process.cpuUsage()
  let failed = 0
  let steps = 0
  let ran = 0
  for (const seed of seeds) {
    ran++
    const began = performance.now()
    const result = await runSeed({ ...base, seed, full: args.trace, digest: args.replay })
    if (process.env.SIM_TIMING) console.log(`seed ${seed} ${(performance.now() - began).toFixed(1)} ms ${result.steps} steps ${result.figures.runs} runs`)
    steps += result.steps
    if (args.replay) {
      const again = await runSeed({ ...base, seed, digest: true })
      if (again.digest !== result.digest || again.steps !== result.steps) {
        console.log(`seed ${seed}: NOT DETERMINISTIC: digest ${result.digest} (${result.steps} steps), then ${again.digest} (${again.steps} steps)`)
        failed++
        if (!args.keepGoing) break
        continue
      }
    }
    if (result.finding || seeds.length === 1) report(result, args)
    if (result.finding) {
      failed++
      if (!args.keepGoing) break
    }
  }
  const seconds = (performance.now() - started) / 1000
  const used = process.cpuUsage(cpuStarted)
  // CPU time too: on a shared machine the wall clock measures the neighbours as much as the simulation.
  const cpu = (used.user + used.system) / 1e6
  console.log(
    `\n${ran} seed(s) in ${seconds.toFixed(1)} s, ${cpu.toFixed(1)} s of CPU: ${Math.round((ran / seconds) * 60)} seeds/min ` +
      `(${Math.round((ran / cpu) * 60)} per CPU-minute), ${Math.round(steps / cpu)} steps per CPU-second; ${failed} failed`,
  )
  process.exitCode = failed ? 1 : 0
}

await main()
