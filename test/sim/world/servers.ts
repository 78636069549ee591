/**
 * The server side of the world: a few addresses ("slots"), each served by
 * one process at a time, all sharing the simulated Redis (session store)
 * and the cluster broker. A graceful restart closes the process while a new
 * incarnation takes the address; a crash kills it (its timers, its pending
 * replies, its sockets) and a new incarnation comes up later. The methods
 * the clients call report every start to the ledger.
 * @module
 */
import type { Random } from '../../chaos/prng'
import type { MethodHandler } from '../../../src/server/types'
import type { Ledger } from '../check/ledger'
import type { Findings } from '../check/findings'
import type { Scheduler } from '../kernel/scheduler'
import type { Network } from '../net/network'
import type { SimBroker } from './broker'
import type { ProcessFactory, ServerProcess } from './server-process'
import type { SimRedis } from './store'

/** Server settings drawn from the seed. */
export interface ServerSettings {
  slots: number
  writeThrough: boolean
  ttl: number
  ackDelay: number
  heartbeat: number
  maxInFlight: number
  callTimeout: number
  shutdownTimeout: number
}

interface Slot {
  readonly address: string
  incarnation: number
  /** The process serving the address now; undefined while a crashed one is not back yet. */
  current: ServerProcess | undefined
  /** A new incarnation is booting (its boot event is scheduled). */
  booting: boolean
}

/** Params of every tracked frame of the workload. */
interface FrameParams {
  c: number
  n: number
  ms?: number
}

/** @internal */
export class Servers {
  readonly slots: Slot[] = []
  /** Processes closing gracefully (their close() has not resolved yet). */
  readonly closing = new Set<ServerProcess>()
  /** Crashes so far: when, which process, and whether sessions were written through. */
  readonly crashes: { at: number; owner: string }[] = []
  /** Processes whose close() resolved, for the leak check. */
  readonly closed: string[] = []
  /** Errors the servers reported (onError), by message, for the figures. */
  readonly errors = new Map<string, number>()
  private readonly live = new Map<string, ServerProcess>()

  constructor(
    private readonly scheduler: Scheduler,
    private readonly network: Network,
    private readonly redis: SimRedis,
    private readonly broker: SimBroker,
    private readonly ledger: Ledger,
    private readonly findings: Findings,
    private readonly random: Random,
    private readonly factory: ProcessFactory,
    readonly settings: ServerSettings,
  ) {
    for (let index = 0; index < settings.slots; index++) {
      const slot: Slot = { address: `s${index}`, incarnation: 0, current: undefined, booting: false }
      this.slots.push(slot)
      this.start(slot)
    }
  }

  /** Addresses that have a process listening now (or booting). */
  up(): string[] {
    return this.slots.filter((slot) => slot.current || slot.booting).map((slot) => slot.address)
  }

  /**
   * Runs `fn` as an event of `process`, now: what it does, and the promise jobs and timers that
   * follow from it, are the process's (a crash ends them).
   */
  on(process: ServerProcess, what: string, fn: () => void) {
    this.scheduler.at(0, process.owner, what, fn)
  }

  /** A process to broadcast or publish from: a live one, drawn from the seed. */
  pick(): ServerProcess | undefined {
    // Not one that is closing: an app stops its own broadcasts once it calls close().
    const up = this.slots.filter((slot) => slot.current && !this.closing.has(slot.current))
    return up.length ? this.random.pick(up).current : undefined
  }

  /** `server.close()` and, at once, a new incarnation on the address. */
  restart(slot: Slot) {
    const old = slot.current
    if (!old) return
    this.closing.add(old)
    this.start(slot)
    this.on(old, 'close', () => void this.close(old))
  }

  /** SIGKILL; a new incarnation comes up after `downFor` ms. */
  crash(slot: Slot, mode: 'reset' | 'silent', downFor: number) {
    const old = slot.current
    if (!old) return
    slot.current = undefined
    this.crashes.push({ at: this.scheduler.now, owner: old.owner })
    this.live.delete(old.owner)
    this.network.unlisten(slot.address, this.listeners.get(old.owner)!)
    this.broker.forget(old.owner)
    old.crash(mode)
    this.scheduler.at(downFor, 'world', 'world.boot', () => this.ensure(slot), slot.address)
  }

  /** Graceful close of every process (the end of a run); resolves when every close() did. */
  closeAll(): Promise<void> {
    this.stopped = true
    const all: Promise<void>[] = []
    for (const slot of this.slots) {
      const process = slot.current
      slot.current = undefined
      if (!process) continue
      all.push(new Promise<void>((resolve) => this.on(process, 'close', () => void this.close(process).then(resolve))))
    }
    return Promise.all([...all, ...[...this.closing].map((process) => this.whenClosed(process))]).then(() => {})
  }

  private readonly closings = new Map<ServerProcess, Promise<void>>()
  private whenClosed(process: ServerProcess): Promise<void> {
    return this.closings.get(process) ?? Promise.resolve()
  }

  /**
   * Process `owner` (any, when undefined) crashed after `since`, or was closing after it (a hand-over at the shutdownTimeout
   * deadline leaves what still runs in doubt).
   */
  goneSince(owner: string | undefined, since: number): boolean {
    if (owner === undefined) return [...this.closingSince.keys(), ...this.crashes.map((crash) => crash.owner)].some((one) => this.goneSince(one, since))
    if (this.crashes.some((crash) => crash.owner === owner && crash.at >= since)) return true
    return this.closingSince.has(owner) && (this.closedAt.get(owner) ?? Infinity) >= since
  }

  /** When each process began closing, and when its close() resolved. */
  private readonly closingSince = new Map<string, number>()
  private readonly closedAt = new Map<string, number>()

  /** Crashed since `from` (ms)? */
  crashedSince(from: number): boolean {
    return this.crashes.some((crash) => crash.at >= from)
  }

  /** Start a new incarnation on `slot`, unless one is there (or the run is ending). */
  ensure(slot: Slot) {
    if (!slot.current && !slot.booting && !this.stopped) this.start(slot)
  }

  /** Set by closeAll: nothing boots any more. */
  private stopped = false

  private close(process: ServerProcess): Promise<void> {
    const already = this.closings.get(process)
    if (already) return already
    this.closing.add(process)
    this.closingSince.set(process.owner, this.scheduler.now)
    const address = this.slots.find((slot) => process.owner.startsWith(`${slot.address}#`))?.address
    if (address) this.network.unlisten(address, this.listeners.get(process.owner)!)
    const closing = process.close().then(
      () => {
        this.closing.delete(process)
        this.closedAt.set(process.owner, this.scheduler.now)
        this.live.delete(process.owner)
        this.closed.push(process.owner)
      },
      (err: unknown) => this.findings.fail('close-failed', `${process.owner}: close() rejected: ${String(err)}`),
    )
    this.closings.set(process, closing)
    return closing
  }

  private readonly listeners = new Map<string, { owner: string; upgrade: ServerProcess['upgrade'] }>()

  /** A new incarnation boots on `slot`: as its own event, so that everything it sets up is its own. */
  private start(slot: Slot) {
    slot.incarnation++
    const owner = `${slot.address}#${slot.incarnation}`
    slot.booting = true
    this.scheduler.at(0, owner, 'boot', () => this.boot(slot, owner), slot.address)
  }

  private boot(slot: Slot, owner: string) {
    slot.booting = false
    const { settings } = this
    const process = this.factory({
      owner,
      scheduler: this.scheduler,
      network: this.network,
      methods: this.methods(owner),
      store: this.redis.storeFor(owner, settings.writeThrough),
      broker: this.broker.brokerFor(owner),
      sessions: { ttl: settings.ttl, ackDelay: settings.ackDelay },
      heartbeat: settings.heartbeat,
      maxInFlight: settings.maxInFlight,
      callTimeout: settings.callTimeout,
      shutdownTimeout: settings.shutdownTimeout,
      hooks: {
        onConnect: () => {},
        onResume: () => {},
        onDisconnect: () => {},
        onError: (err) => {
          const message = err instanceof Error ? err.message : String(err)
          this.errors.set(message, (this.errors.get(message) ?? 0) + 1)
        },
      },
    })
    slot.current = process
    this.live.set(owner, process)
    const listener = { owner, upgrade: (connection: Parameters<ServerProcess['upgrade']>[0]) => process.upgrade(connection) }
    this.listeners.set(owner, listener)
    this.network.listen(slot.address, listener)
  }

  /** The workload's methods on process `owner`: each start is reported to the ledger. */
  private methods(owner: string): Record<string, MethodHandler> {
    const { ledger, scheduler } = this
    const sleep = (ms: number) => new Promise<void>((resolve) => scheduler.at(ms, owner, 'work', resolve, undefined, true))
    const params = (raw: unknown) => raw as FrameParams
    return {
      work: async (raw) => {
        const { c, n, ms = 0 } = params(raw)
        ledger.ran(owner, c, n, 'work')
        if (ms) await sleep(ms)
        return { c, n }
      },
      poke: (raw, ctx) => {
        const { c, n } = params(raw)
        ledger.ran(owner, c, n, 'poke')
        ctx.notify('poked', { c, n })
        return { c, n }
      },
      ask: async (raw, ctx) => {
        const { c, n } = params(raw)
        ledger.ran(owner, c, n, 'ask')
        const echoed = (await ctx.call('client.echo', { c, n, key: `c${c}#${n}` })) as FrameParams
        if (echoed?.c !== c || echoed.n !== n) this.findings.fail('wrong-answer', `${owner}: the client answered ask c${c}#${n} with ${JSON.stringify(echoed)}`)
        return { c, n }
      },
      note: (raw) => {
        const { c, n } = params(raw)
        ledger.ran(owner, c, n, 'note')
      },
    }
  }
}
