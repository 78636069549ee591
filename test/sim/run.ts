/**
 * One seed, one run: the world is drawn from the seed, the real client and
 * server code runs in it on virtual time, every event is followed by a
 * deterministic drain of promise jobs, and the invariants are checked as
 * frames move. Phases: the workload with its faults; quiescence (faults end,
 * every call must settle and every notification run or be reported); the
 * end (clients close, servers close, nothing may be left scheduled).
 * @module
 */
import { seeded } from '../chaos/prng'
import { seedUuids } from './shims/crypto'
import { checkQuiet, checkLeaks } from './check/final'
import { Findings, type Finding } from './check/findings'
import { Ledger } from './check/ledger'
import { EPOCH, installGlobals } from './kernel/clocks'
import { Scheduler, type SimEvent } from './kernel/scheduler'
import { Trace, type Step } from './kernel/trace'
import { Network } from './net/network'
import { SimBroker } from './world/broker'
import { Agent } from './world/clients'
import { ALL_FAULTS, drawConfig, PROFILES, type SimConfig } from './world/config'
import { Faults, type FaultKind } from './world/faults'
import type { ProcessFactory } from './world/server-process'
import { Servers } from './world/servers'
import { SimRedis } from './world/store'
import { createHistory } from '../../src/server/topics/history'

/** How long (virtual ms) quiescence may take before what is missing is reported. */
const QUIET_DEADLINE = 120_000
/** After everything settled, this long for the last acks and events to flow. */
const SETTLE_MARGIN = 3000
/** After the servers' close(), this long for everything to wind down. */
const END_DEADLINE = 120_000

export interface RunOptions {
  seed: number
  profile: keyof typeof PROFILES
  faults?: readonly FaultKind[]
  factory: ProcessFactory
  /** Steps kept for the trace printed on failure. */
  traceSize?: number
  /** Keep every step (`--trace`). */
  full?: boolean
  /** Compute the digest of every step (replay check). */
  digest?: boolean
  /** A use of the timer globals, Date.now or Math.random is a finding (every part takes its clock). */
  strict?: boolean
  /** Steps after which the run stops (a livelock is a finding). */
  maxSteps?: number
}

export interface RunResult {
  seed: number
  finding: Finding | undefined
  steps: number
  virtualMs: number
  digest: string
  last: Step[]
  all: Step[] | undefined
  config: SimConfig
  figures: Record<string, number | string>
}

export async function runSeed(options: RunOptions): Promise<RunResult> {
  const random = seeded(options.seed)
  const config = drawConfig(random.fork(), PROFILES[options.profile]!, options.faults ?? ALL_FAULTS)
  const scheduler = new Scheduler()
  const trace = new Trace(options.traceSize ?? 60, { digest: options.digest ?? false, full: options.full ?? false })
  const findings = new Findings(() => ({ at: scheduler.now, step: trace.count }))
  // Filled in once the servers exist: which processes ended (crashed or closed) after a moment.
  let goneSince: (owner: string | undefined, since: number) => boolean = () => false
  const ledger = new Ledger(findings, () => scheduler.now, (owner, since) => goneSince(owner, since))
  seedUuids(random.fork())
  // Where the use came from: the first frame of the stack outside the simulation's own kernel.
  const caller = () => (new Error().stack ?? '').split('\n').slice(3).find((line) => !line.includes('installGlobals') && !line.includes('clocks.ts'))?.trim() ?? 'unknown'
  const escaped = options.strict ? (name: string) => findings.fail('escaped-global', `${scheduler.current} used ${name} (${caller()})`) : undefined
  const uninstall = installGlobals(scheduler, random.fork(), EPOCH, escaped)
  const rejected = (reason: unknown) => findings.fail('unhandled-rejection', `${scheduler.current}: ${describe(reason)}`)
  process.on('unhandledRejection', rejected)
  const maxSteps = options.maxSteps ?? 2_000_000

  /** Runs events until `done()` holds, the clock passes `until`, or a finding stops the run. */
  const runUntil = async (until: number, done: () => boolean = () => false) => {
    while (!findings.first && !done() && trace.count < maxSteps) {
      const at = scheduler.peekTime()
      if (at === undefined || at > until) break
      const event = scheduler.next() as SimEvent
      trace.record(event.at, event.owner, event.what, event.detail)
      try {
        event.fn()
      } catch (err) {
        findings.fail('uncaught', `${event.owner} ${event.what}: ${describe(err)}`)
      }
      await drain()
    }
    if (trace.count >= maxSteps) findings.fail('livelock', `still running after ${maxSteps} steps`)
    if (!done() && scheduler.now < until && scheduler.peekTime() === undefined) scheduler.now = until
  }

  try {
    const network = new Network(scheduler, random.fork(), config.network)
    const redis = new SimRedis(scheduler, random.fork(), config.redisLatency, EPOCH)
    const broker = new SimBroker(scheduler, random.fork(), createHistory({ limit: 50, now: () => EPOCH + scheduler.now }), config.brokerLatency)
    const servers = new Servers(scheduler, network, redis, broker, ledger, findings, random.fork(), options.factory, config.servers)
    goneSince = (owner, since) => servers.goneSince(owner, since)
    const agents: Agent[] = []
    const faults = new Faults({ scheduler, network, servers, redis, agents, trace }, random.fork())
    const explainLoss = (agent: Agent): string | undefined => {
      const sessions = ledger.client(agent.c).sessions
      // The answer of the previous handshake left the server up to one trip earlier.
      const since = (sessions.at(-2)?.at ?? 0) - config.network.maxLatency - config.network.jitter
      if (!config.servers.writeThrough && servers.crashedSince(since)) return 'crash'
      if (faults.frozeSince(since)) return 'freeze'
      // A hand-over store: a client that comes back to another process while the closing one has not
      // noticed its socket died (so still holds the session) starts a new session (docs/scaling.md).
      if (!config.servers.writeThrough && servers.closing.size > 0) return 'hand-over'
      if (agent.closes.has(1013)) return 'overflow'
      if (scheduler.now - agent.heardBeforeOpen + 2 * config.network.maxLatency >= config.servers.ttl) return 'expired'
      return undefined
    }
    const clientRandom = random.fork()
    for (let c = 0; c < config.clients.count; c++) {
      agents.push(new Agent(c, clientRandom.fork(), scheduler, network, ledger, findings, config.clients, () => servers.up(), explainLoss, (text) => trace.note(scheduler.now, text)))
    }
    for (const agent of agents) agent.start()
    const worldRandom = random.fork()
    let working = true
    let tick = 0
    let published = 0
    const every = (mean: number, what: string, fn: () => void) => {
      const again = () => {
        if (!working) return
        fn()
        scheduler.at(worldRandom.int(1, 2 * mean), 'world', what, again)
      }
      scheduler.at(worldRandom.int(1, 2 * mean), 'world', what, again)
    }
    every(config.tickEvery, 'world.broadcast', () => {
      const server = servers.pick()
      if (!server) return
      servers.on(server, 'broadcast', () => {
        tick++
        ledger.emitted(server.owner, tick, new Set(server.clients()))
        server.broadcast('tick', { n: tick, from: server.owner })
      })
    })
    every(config.publishEvery, 'world.publish', () => {
      const server = servers.pick()
      if (!server) return
      const topic = worldRandom.pick(config.clients.topics)
      servers.on(server, 'publish', () => {
        published++
        server.publish(topic, { k: published })
      })
    })
    faults.plan(config.faults, config.faultCount, config.duration)

    const phases = async () => {
      await runUntil(config.duration)
      working = false
      for (const agent of agents) agent.stop()
      if (findings.first) return
      faults.endAll()
      trace.note(scheduler.now, 'workload over: faults ended, waiting for quiescence')
      const quiet = () => ledger.notesAccounted && agents.every((agent) => agent.pending === 0)
      await runUntil(scheduler.now + QUIET_DEADLINE, quiet)
      await runUntil(scheduler.now + SETTLE_MARGIN)
      if (findings.first) return
      checkQuiet(ledger, agents, servers, findings, config)
      if (findings.first) return
      trace.note(scheduler.now, 'closing clients and servers')
      for (const agent of agents) agent.client.close()
      await runUntil(scheduler.now + 1000)
      let closedAll = false
      void servers.closeAll().then(() => {
        closedAll = true
      })
      await runUntil(scheduler.now + END_DEADLINE, () => closedAll && scheduler.peekTime() === undefined)
      if (!findings.first) checkLeaks(scheduler, network, agents, servers, findings, closedAll)
    }
    await phases()

    return {
      seed: options.seed,
      finding: findings.first,
      steps: trace.count,
      virtualMs: scheduler.now,
      digest: trace.digest,
      last: trace.last(),
      all: trace.all,
      config,
      figures: {
        runs: ledger.counts.runs,
        events: ledger.counts.events,
        topicMessages: ledger.counts.topicMessages,
        sessionLosses: ledger.counts.losses,
        connections: network.attempts,
        redisCommands: redis.commands,
        faults: [...faults.injected].map(([kind, count]) => `${kind}:${count}`).join(' '),
        serverErrors: [...servers.errors].map(([message, count]) => `${count}× ${message}`).join(' | ') || 'none',
      },
    }
  } finally {
    uninstall()
    process.off('unhandledRejection', rejected)
  }
}

/** Lets every queued promise job run (and the jobs they queue), and nothing else: no real timer or I/O exists. */
const realSetImmediate = globalThis.setImmediate
const drain = () => new Promise<void>((resolve) => realSetImmediate(resolve))

const describe = (value: unknown): string => (value instanceof Error ? `${value.name}: ${value.message}\n${value.stack?.split('\n').slice(1, 4).join('\n') ?? ''}` : String(value))
