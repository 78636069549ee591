/**
 * One run's world, drawn from its seed: how many clients and server
 * addresses, the timings of each side, whether sessions are written through,
 * and the faults. A profile bounds the draws (quick: small worlds and short
 * runs, many seeds; long: bigger worlds, longer runs).
 * @module
 */
import type { Random } from '../../chaos/prng'
import type { ClientSettings } from './clients'
import type { FaultKind } from './faults'
import type { ServerSettings } from './servers'

export interface SimConfig {
  readonly clients: ClientSettings
  readonly servers: ServerSettings
  /** Virtual ms during which clients act and faults happen. */
  readonly duration: number
  /** Network timing. */
  readonly network: { minLatency: number; maxLatency: number; jitter: number; rto: [number, number] }
  /** Redis latency per command, each way. */
  readonly redisLatency: [number, number]
  readonly brokerLatency: [number, number]
  /** Mean ms between two broadcasts and between two topic publishes. */
  readonly tickEvery: number
  readonly publishEvery: number
  readonly faults: readonly FaultKind[]
  /** How many faults to draw. */
  readonly faultCount: number
}

/** Bounds of the draws; each pair is [min, max]. */
export interface Profile {
  readonly name: string
  readonly clients: [number, number]
  readonly slots: [number, number]
  readonly duration: [number, number]
  readonly faults: [number, number]
  /** Mean pause between two actions of a client, ms. */
  readonly pace: [number, number]
  /** Frames in one burst. */
  readonly burst: [number, number]
  /** Mean ms between broadcasts, and between topic publishes. */
  readonly tickEvery: [number, number]
  readonly publishEvery: [number, number]
}

export const PROFILES: Record<string, Profile> = {
  quick: {
    name: 'quick', clients: [1, 3], slots: [1, 2], duration: [1500, 5000], faults: [0, 4],
    pace: [50, 400], burst: [5, 40], tickEvery: [30, 400], publishEvery: [60, 800],
  },
  long: {
    name: 'long', clients: [2, 6], slots: [1, 3], duration: [10_000, 40_000], faults: [2, 16],
    pace: [20, 300], burst: [10, 120], tickEvery: [5, 200], publishEvery: [20, 400],
  },
}

export const ALL_FAULTS: readonly FaultKind[] = ['reset', 'blackhole', 'refuse', 'stall', 'offline', 'restart', 'crash', 'freeze']

export function drawConfig(random: Random, profile: Profile, faults: readonly FaultKind[]): SimConfig {
  const count = random.int(...profile.clients)
  const interval = random.int(300, 1500)
  const clients: ClientSettings = {
    count,
    heartbeat: { interval, timeout: random.int(200, 1000) },
    reconnect: { initialDelay: random.int(20, 300), maxDelay: random.int(500, 3000) },
    connectTimeout: random.int(1000, 4000),
    callTimeout: random.int(2000, 10_000),
    pace: random.int(...profile.pace),
    burst: profile.burst,
    queueTtl: Array.from({ length: count }, () => (random.chance(0.3) ? random.int(500, 5000) : undefined)),
    keyed: Array.from({ length: count }, () => random.chance(0.3)),
    topics: ['alpha', 'beta'],
  }
  const servers: ServerSettings = {
    slots: random.int(...profile.slots),
    writeThrough: random.chance(0.5),
    ttl: random.chance(0.2) ? random.int(2000, 10_000) : 120_000,
    ackDelay: random.pick([0, 10, 50, 200]),
    heartbeat: random.int(1000, 5000),
    maxInFlight: random.pick([1, 2, 4, 32]),
    callTimeout: 5000,
    shutdownTimeout: random.int(100, 3000),
  }
  return {
    clients,
    servers,
    duration: random.int(...profile.duration),
    network: { minLatency: 1, maxLatency: random.int(2, 80), jitter: random.int(0, 20), rto: [1000, 20_000] },
    redisLatency: [0, random.int(1, 5)],
    brokerLatency: [0, random.int(1, 10)],
    tickEvery: random.int(...profile.tickEvery),
    publishEvery: random.int(...profile.publishEvery),
    faults,
    faultCount: random.int(...profile.faults),
  }
}
