/**
 * Faults, drawn from the seed and injected at drawn moments of the run:
 * resets, blackholes that heal or die, refused and stalled connections,
 * graceful restarts, crashes (the kernel resets the connections, or the host
 * vanishes without a word), and a Redis that freezes. Each fault ends on its
 * own; `endAll` ends what is left when the workload stops, so that the run
 * can reach quiescence.
 * @module
 */
import type { Random } from '../../chaos/prng'
import type { Scheduler } from '../kernel/scheduler'
import type { Trace } from '../kernel/trace'
import type { Connection, Direction, Network } from '../net/network'
import type { Agent } from './clients'
import type { Servers } from './servers'
import type { SimRedis } from './store'

export type FaultKind = 'reset' | 'blackhole' | 'refuse' | 'stall' | 'offline' | 'restart' | 'crash' | 'freeze'

export interface FaultWorld {
  readonly scheduler: Scheduler
  readonly network: Network
  readonly servers: Servers
  readonly redis: SimRedis
  readonly agents: readonly Agent[]
  readonly trace: Trace
}

/** @internal */
export class Faults {
  /** Faults injected, by kind. */
  readonly injected = new Map<FaultKind, number>()
  private frozenFrom = -1
  /** Agents whose page is offline now. */
  private readonly offline = new Set<Agent>()
  /** Time of the last freeze's end (a session lost meanwhile is explained by it). */
  freezes: { from: number; to: number }[] = []

  constructor(
    private readonly world: FaultWorld,
    private readonly random: Random,
  ) {}

  /** Draws `count` faults of the given kinds at moments in [0, duration). */
  plan(kinds: readonly FaultKind[], count: number, duration: number) {
    if (!kinds.length) return
    for (let index = 0; index < count; index++) {
      const kind = this.random.pick(kinds)
      const at = this.random.int(0, duration - 1)
      const lasting = this.random.int(50, Math.max(100, Math.floor(duration / 3)))
      const detail = this.random.int(0, 2 ** 30)
      this.world.scheduler.at(at, 'world', 'fault', () => this.inject(kind, lasting, detail), kind)
    }
  }

  private inject(kind: FaultKind, lasting: number, detail: number) {
    const { network, servers, redis, agents, scheduler } = this.world
    this.injected.set(kind, (this.injected.get(kind) ?? 0) + 1)
    const agent = agents[detail % agents.length]!
    const connection = agent.socket && !agent.socket.connection.done ? agent.socket.connection : undefined
    const later = (fn: () => void, what: string) => scheduler.at(lasting, 'world', 'fault.end', fn, what)
    switch (kind) {
      case 'reset':
        if (connection) network.reset(connection)
        return
      case 'blackhole': {
        if (!connection) return
        const directions: Direction[][] = [['up'], ['down'], ['up', 'down']]
        network.blackhole(connection, directions[detail % 3]!)
        const dies = (detail >> 2) % 2 === 0
        later(() => this.endHole(connection, dies), dies ? 'blackhole dies' : 'blackhole heals')
        return
      }
      case 'refuse':
      case 'stall':
        network.admit(agent.owner, kind)
        later(() => {
          network.admit(agent.owner, undefined)
          this.endStalls((detail >> 3) % 2 === 0)
        }, `${kind} ${agent.owner}`)
        return
      case 'offline': {
        // The page goes offline (a phone leaves Wi-Fi): the browser says so, new connections fail, the
        // current one dies with the interface; then it comes back online.
        network.admit(agent.owner, 'refuse')
        if (connection) network.reset(connection)
        if (this.offline.has(agent)) return
        this.offline.add(agent)
        agent.window.dispatchEvent(new Event('offline'))
        later(() => {
          if (!this.offline.delete(agent)) return
          network.admit(agent.owner, undefined)
          agent.window.dispatchEvent(new Event('online'))
        }, `online ${agent.owner}`)
        return
      }
      case 'restart':
        servers.restart(servers.slots[detail % servers.slots.length]!)
        return
      case 'crash': {
        const slot = servers.slots[detail % servers.slots.length]!
        servers.crash(slot, (detail >> 4) % 2 === 0 ? 'reset' : 'silent', lasting)
        return
      }
      case 'freeze': {
        if (redis.frozen) return
        redis.freeze()
        const from = scheduler.now
        this.frozenFrom = from
        later(() => this.thaw(from), 'thaw')
        return
      }
    }
  }

  private endHole(connection: Connection, dies: boolean) {
    if (connection.done) return
    if (dies) this.world.network.breakPath(connection)
    else this.world.network.heal(connection)
  }

  /** Connections stalled before their upgrade: they go through late, or their path dies. */
  private endStalls(dies: boolean) {
    for (const connection of this.world.network.open.values()) {
      if (connection.up.hole && !connection.server) this.endHole(connection, dies)
    }
  }

  private thaw(from: number) {
    if (!this.world.redis.frozen) return
    this.world.redis.thaw()
    this.freezes.push({ from, to: this.world.scheduler.now })
  }

  /** A freeze overlapped [from, now]. */
  frozeSince(from: number): boolean {
    return this.world.redis.frozen || this.freezes.some((freeze) => freeze.to >= from)
  }

  /** The workload stopped: every fault ends now (holes heal or die as drawn, Redis thaws, crashed addresses come back). */
  endAll() {
    const { network, servers } = this.world
    for (const agent of this.world.agents) {
      network.admit(agent.owner, undefined)
      if (this.offline.delete(agent)) agent.window.dispatchEvent(new Event('online'))
    }
    for (const connection of [...network.open.values()]) {
      if (connection.up.hole || connection.down.hole) this.endHole(connection, this.random.chance(0.5))
    }
    if (this.world.redis.frozen) this.thaw(this.frozenFrom)
    for (const slot of servers.slots) servers.ensure(slot)
  }
}
