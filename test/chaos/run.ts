/**
 * One chaos run: the server in a child process, the fault proxy, N clients, the seeded fault
 * schedule, and the history check at the end. `runChaos` returns the report; cli.ts prints
 * and writes it.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { buildEntry } from './build'
import { type Injected, type LoopStall, checkCalls, checkNotes, GRACE, peakRate, type CallFigures, type NoteFigures, type TopicFigures } from './checker'
import { startServerChild } from './child'
import type { EventFigures } from './events'
import { createChaosProxy } from './fault-proxy'
import { seeded } from './prng'
import { checkPublishes, type PublishFigures } from './publishes'
import { drawSchedule, FAULT_KINDS, REDIS_FAULT_KINDS, type Fault, type FaultKind } from './schedule'
import { createWorkload, RECONNECT } from './workload'
import { startRedis, type RedisProcess } from '../helpers/redis-process'

export interface ChaosOptions {
  seed: number
  /** Length of the run, ms, quiet tail included. */
  duration: number
  clients: number
  /** Mean pause between two actions of one client, ms. */
  pace?: number
  /** Topics and sessions on a redis-server of the run's own (write-through), and the `freeze` fault. */
  redis?: boolean
  log?: (line: string) => void
}

export interface ChaosReport {
  seed: number
  clients: number
  /** Mean pause between two actions of one client, ms. */
  pace: number
  durationMs: number
  /** Topics and sessions on Redis (`--redis`). */
  redis: boolean
  faults: Partial<Record<FaultKind, number>>
  schedule: Fault[]
  /** The faults as injected: kind, wall-clock start and end (ms since the epoch), and the run's start. */
  injected: Injected[]
  startedAt: number
  /** Each client's opens and closes (wall clock), for diagnosing an anomaly. */
  lifecycle: Record<number, { at: number; event: string }[]>
  calls: CallFigures
  notes: NoteFigures
  topics: TopicFigures
  events: EventFigures
  publishes: PublishFigures
  leaks: { timers: number; listeners: number; sockets: number }
  reconnects: {
    opens: number
    closes: Record<string, number>
    peakPerSecondAfterOutage: number
    peakPerSecondOverall: number
    bound: number
    /** Connection attempts in each second of the run. */
    perSecond: number[]
  }
  server: { heapUsed: number; rss: number; connections: number; errors: string[] }
  /**
   * How late the clients' process ran its event loop (ms): a timer cannot fire sooner, so a call that
   * settled late while the loop was this late says the harness was saturated, not the library slow.
   */
  clientLoopDelay: { p99: number; max: number }
  violations: string[]
  passed: boolean
}

const CALL_TIMEOUT = 4000
/** How often the stall sampler looks at the event loop, ms. */
const STALL_TICK = 25
const QUIET = 15_000
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)))

/** Waits until `condition` holds or `ms` passed; returns whether it held. */
async function waitUntil(condition: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms
  while (!condition()) {
    if (Date.now() > end) return false
    await sleep(50)
  }
  return true
}

/**
 * The most attempts a crowd of `clients` may make in one second after an outage without being a
 * storm. A client makes one attempt per backoff window, and with full jitter its k-th retry is
 * uniform in [0, min(maxDelay, initialDelay·2^k)]: the windows shorter than a second (200, 400
 * and 800 ms here) and the first attempt can all fall in one second, so about 4 per client;
 * longer windows add less than one each on average. A crowd without backoff or jitter makes
 * hundreds per client.
 */
export const stormBound = (clients: number): number => {
  let attempts = 1
  let window = RECONNECT.initialDelay
  while (window <= 1000) {
    window *= RECONNECT.factor
    attempts++
  }
  return clients * attempts + 10
}

/** How long after a comeback the storm check looks, unless the next fault starts sooner. */
const AFTER_OUTAGE = 10_000
/** Faults after whose end the server is reachable again: the moments a storm would follow. */
const OUTAGES = new Set(['kill', 'refuse', 'stall'])

/** Connection attempts per second over the run, and the busiest second after each comeback. */
function reconnectRates(accepts: readonly number[], injected: readonly Injected[], started: number) {
  const perSecond: number[] = []
  for (const at of accepts) {
    const second = Math.floor((at - started) / 1000)
    if (second >= 0) perSecond[second] = (perSecond[second] ?? 0) + 1
  }
  let afterOutage = 0
  for (const fault of injected) {
    if (!OUTAGES.has(fault.kind)) continue
    const next = injected.find((other) => other.start > fault.end)?.start ?? Infinity
    afterOutage = Math.max(afterOutage, peakRate(accepts, fault.end, Math.min(fault.end + AFTER_OUTAGE, next)))
  }
  return { perSecond: Array.from(perSecond, (count) => count ?? 0), afterOutage }
}

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const log = options.log ?? (() => {})
  const random = seeded(options.seed)
  const scheduleRandom = random.fork()
  const workloadRandom = random.fork()
  const proxyRandom = random.fork()
  const kinds = options.redis ? REDIS_FAULT_KINDS : FAULT_KINDS
  const faults = drawSchedule(scheduleRandom, options.duration, QUIET, kinds)
  const counts = Object.fromEntries(kinds.map((kind) => [kind, 0])) as Partial<Record<FaultKind, number>>

  const script = await buildEntry('server-child.ts', 'server-child')
  const redis: RedisProcess | undefined = options.redis ? await startRedis() : undefined
  // Events often enough that some cross every resume, and not so often that they are the load.
  const eventEvery = Math.max(100, 2 * options.clients)
  const env: Record<string, string> = { CHAOS_EVENT_EVERY: String(eventEvery), CHAOS_PREFIX: String(options.seed) }
  if (redis) env.CHAOS_REDIS_URL = redis.url
  const child = await startServerChild(script, env)
  const proxy = await createChaosProxy(child.port, proxyRandom)
  const pace = options.pace ?? 300
  const violations: string[] = []
  const loopDelay = monitorEventLoopDelay({ resolution: 20 })
  loopDelay.enable()
  // Each stall of the clients' event loop longer than 50 ms, when it began: the calls check puts a late
  // settle down to one as long as its lateness (checker.ts), since no timer can fire during it.
  const stalls: LoopStall[] = []
  let due = Date.now() + STALL_TICK
  const sampler = setInterval(() => {
    const now = Date.now()
    if (now - due > 50) stalls.push({ at: due, lag: now - due })
    due = now + STALL_TICK
  }, STALL_TICK)
  const workload = createWorkload({ url: proxy.url(), clients: options.clients, random: workloadRandom, topics: 4, callTimeout: CALL_TIMEOUT, pace, violations })
  const injected: Injected[] = []
  try {
    if (!(await waitUntil(() => workload.opens >= options.clients, 60_000))) violations.push(`only ${workload.opens} of ${options.clients} clients opened`)
    const started = Date.now()
    workload.start()
    log(`${options.clients} clients connected; ${faults.length} faults over ${Math.round(options.duration / 1000)} s`)
    for (const fault of faults) {
      await sleep(started + fault.at - Date.now())
      counts[fault.kind] = (counts[fault.kind] ?? 0) + 1
      log(`+${Math.round((Date.now() - started) / 1000)}s ${fault.kind}${fault.duration ? ` for ${fault.duration} ms` : ''}`)
      const start = Date.now()
      await inject(fault)
      injected.push({ kind: fault.kind, start, end: Date.now() })
    }
    await sleep(started + options.duration - QUIET - Date.now())
    workload.stop()
    // Every call settles within its timeout (plus grace), queued notifications flush once clients are back.
    await waitUntil(() => workload.calls.every((call) => call.settledAt !== undefined), CALL_TIMEOUT + GRACE + 5000)
    const delivered = () => {
      const got = new Set(child.notes.map((note) => `${note.client}:${note.n}`))
      return workload.notes.every((note) => note.dropped !== undefined || got.has(`${note.client}:${note.n}`))
    }
    await waitUntil(delivered, QUIET)
    const memory = await child.memory()
    workload.close()
    await waitUntil(() => Object.values(workload.leftovers()).every((count) => count === 0), 10_000)
    const leaks = workload.leftovers()
    for (const [kind, count] of Object.entries(leaks)) if (count) violations.push(`${count} ${kind} left after close()`)

    const calls = checkCalls(workload.calls, violations, stalls)
    const notes = checkNotes(workload.notes, child.notes, injected, violations)
    const topics = workload.topics.figures
    // Both session stores give a waiting session every broadcast: a tick lost across a restart is a violation.
    workload.events.explainHoles(injected, new Set(['freeze']))
    const events = workload.events.figures
    const publishes = checkPublishes(child.publishes, memory.pendingPublishes, violations)
    const bound = stormBound(options.clients)
    const { perSecond, afterOutage } = reconnectRates(proxy.accepts, injected, started)
    if (afterOutage > bound) violations.push(`reconnect storm: ${afterOutage} attempts in one second after an outage (bound ${bound})`)
    return {
      seed: options.seed,
      clients: options.clients,
      pace,
      durationMs: options.duration,
      redis: !!redis,
      faults: counts,
      schedule: faults,
      injected,
      startedAt: started,
      lifecycle: workload.lifecycle,
      calls,
      notes,
      topics,
      events,
      publishes,
      leaks,
      reconnects: {
        opens: workload.opens,
        closes: Object.fromEntries(workload.closes),
        peakPerSecondAfterOutage: afterOutage,
        peakPerSecondOverall: peakRate(proxy.accepts),
        bound,
        perSecond,
      },
      server: { ...memory, errors: child.errors.slice(0, 20) },
      clientLoopDelay: { p99: Math.round(loopDelay.percentile(99) / 1e6), max: Math.round(loopDelay.max / 1e6) },
      violations,
      passed: violations.length === 0,
    }
  } finally {
    clearInterval(sampler)
    loopDelay.disable()
    workload.stop()
    workload.close()
    await child.stop()
    await proxy.close()
    redis?.thaw()
    await redis?.stop()
  }

  async function inject(fault: Fault) {
    switch (fault.kind) {
      case 'rst':
        proxy.reset()
        return
      case 'restart':
        await child.restart()
        return
      case 'latency':
        proxy.conditions({ latency: fault.latency ?? 0, jitter: fault.jitter ?? 0 })
        await sleep(fault.duration)
        proxy.conditions({ latency: 0, jitter: 0 })
        return
      case 'throttle':
        proxy.conditions({ bandwidth: fault.bandwidth ?? 0 })
        await sleep(fault.duration)
        proxy.conditions({ bandwidth: 0 })
        return
      case 'kill':
        child.kill()
        await sleep(fault.duration)
        proxy.target(await child.respawn())
        return
      case 'freeze':
        redis?.freeze()
        await sleep(fault.duration)
        redis?.thaw()
        return
      default:
        proxy.set(fault.kind)
        await sleep(fault.duration)
        proxy.set('pass')
    }
  }
}
