/**
 * The fault schedule: drawn from the seed alone, so `--seed S` replays it. Faults come one at a
 * time with quiet spells between them; the last stretch of a run is quiet, so that every client
 * can reconnect and every call settle before the history is checked.
 */
import type { Random } from './prng'

export type FaultKind = 'rst' | 'blackhole' | 'latency' | 'throttle' | 'refuse' | 'stall' | 'kill' | 'restart' | 'freeze'

/** The faults of every run. */
export const FAULT_KINDS: readonly FaultKind[] = ['rst', 'blackhole', 'latency', 'throttle', 'refuse', 'stall', 'kill', 'restart']
/** `--redis` adds `freeze`: the redis-server stopped with SIGSTOP (no answers, sockets open), then SIGCONT. */
export const REDIS_FAULT_KINDS: readonly FaultKind[] = [...FAULT_KINDS, 'freeze']

export interface Fault {
  /** ms after the start of the run. */
  at: number
  kind: FaultKind
  /** How long it lasts, ms (0 for instant faults: rst, restart). */
  duration: number
  /** latency: added ms and jitter; throttle: bytes per second. */
  latency?: number
  jitter?: number
  bandwidth?: number
}

/** `duration`: the whole run in ms; `quiet`: the fault-free tail; `kinds`: what to draw from. */
export function drawSchedule(random: Random, duration: number, quiet: number, kinds: readonly FaultKind[] = FAULT_KINDS): Fault[] {
  const faults: Fault[] = []
  let at = random.int(1500, 3000)
  while (at < duration - quiet) {
    const kind = random.pick(kinds)
    const fault: Fault = { at, kind, duration: 0 }
    if (kind === 'blackhole' || kind === 'refuse' || kind === 'stall' || kind === 'kill') fault.duration = random.int(500, 4000)
    // Mostly longer than a Redis command's deadline (1 s) and its grace (2 s): a publish that waits for
    // the end of the freeze shows.
    if (kind === 'freeze') fault.duration = random.int(2000, 6000)
    if (kind === 'latency') {
      fault.duration = random.int(1000, 5000)
      fault.latency = random.int(20, 400)
      fault.jitter = random.int(0, 300)
    }
    if (kind === 'throttle') {
      fault.duration = random.int(1000, 5000)
      fault.bandwidth = random.int(2_000, 64_000)
    }
    faults.push(fault)
    at += fault.duration + random.int(1000, 4000)
  }
  return faults
}
