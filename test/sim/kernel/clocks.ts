/**
 * Time for the code under test, all of it from the scheduler: the clock a
 * client takes as `environment.clock` (and a server process as its clock),
 * and the process globals (`setTimeout`, `setInterval`, `Date.now`,
 * `Math.random`) replaced for the length of a run, so that code which does
 * not take a clock still runs on virtual time, attributed to whoever's event
 * is running. `strict` turns a use of those globals into a finding: code that
 * should have used its injected clock.
 * @module
 */
import type { Clock } from '../../../src/timers'
import type { Scheduler, SimEvent } from './scheduler'

/** What `now()` (and `Date.now()` in a run) reads at virtual time 0: any fixed instant will do. */
export const EPOCH = 1_767_225_600_000

/**
 * The clock of `owner` (a client's `environment.clock`, a server process's clock): its timers are
 * counted for the leak check and die with it; `now()` is epoch time, as servers keep expiries.
 */
export function clockFor(scheduler: Scheduler, owner: string): Clock {
  return {
    now: () => EPOCH + scheduler.now,
    setTimeout: (fn, ms) => scheduler.at(ms, owner, 'timer', fn, undefined, true),
    clearTimeout: (handle) => {
      if (handle) scheduler.cancel(handle as SimEvent)
    },
  }
}

/** A Node timer handle: what `setTimeout` returns there (unref, ref, refresh), over a simulated event. */
class Handle {
  event: SimEvent | undefined
  constructor(
    private readonly scheduler: Scheduler,
    private readonly arm: (handle: Handle) => SimEvent,
  ) {
    this.event = arm(this)
  }
  unref() {
    return this
  }
  ref() {
    return this
  }
  hasRef() {
    return true
  }
  refresh() {
    if (this.event) this.scheduler.cancel(this.event)
    this.event = this.arm(this)
    return this
  }
}

/** Node runs a timer of 0 (or less, or NaN) after 1 ms. */
const nodeDelay = (ms: unknown) => {
  const value = Number(ms)
  return value >= 1 ? value : 1
}

interface Saved {
  setTimeout: typeof globalThis.setTimeout
  clearTimeout: typeof globalThis.clearTimeout
  setInterval: typeof globalThis.setInterval
  clearInterval: typeof globalThis.clearInterval
  now: typeof Date.now
  random: typeof Math.random
}

/**
 * Replaces the timer globals, `Date.now` and `Math.random` with simulated ones until the returned
 * function is called. `epoch`: what `Date.now()` returns at virtual time 0. `escaped(name)` is called
 * on each use when the run is strict.
 */
export function installGlobals(scheduler: Scheduler, random: () => number, epoch: number, escaped?: (name: string) => void): () => void {
  const saved: Saved = {
    setTimeout: globalThis.setTimeout,
    clearTimeout: globalThis.clearTimeout,
    setInterval: globalThis.setInterval,
    clearInterval: globalThis.clearInterval,
    now: Date.now,
    random: Math.random,
  }
  const clear = (handle: unknown) => {
    if (handle instanceof Handle && handle.event) {
      scheduler.cancel(handle.event)
      handle.event = undefined
    }
  }
  const timeout = (fn: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    escaped?.('setTimeout')
    const owner = scheduler.current
    return new Handle(scheduler, (handle) =>
      scheduler.at(nodeDelay(ms), owner, 'timer', () => {
        handle.event = undefined
        fn(...args)
      }, undefined, true))
  }
  const interval = (fn: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    escaped?.('setInterval')
    const owner = scheduler.current
    const every = nodeDelay(ms)
    const arm = (handle: Handle): SimEvent =>
      scheduler.at(every, owner, 'timer', () => {
        handle.event = arm(handle)
        fn(...args)
      }, undefined, true)
    return new Handle(scheduler, arm)
  }
  const globals = globalThis as unknown as Record<string, unknown>
  globals.setTimeout = timeout
  globals.setInterval = interval
  globals.clearTimeout = clear
  globals.clearInterval = clear
  Date.now = () => {
    escaped?.('Date.now')
    return epoch + scheduler.now
  }
  Math.random = () => {
    escaped?.('Math.random')
    return random()
  }
  return () => {
    globals.setTimeout = saved.setTimeout
    globals.setInterval = saved.setInterval
    globals.clearTimeout = saved.clearTimeout
    globals.clearInterval = saved.clearInterval
    Date.now = saved.now
    Math.random = saved.random
  }
}
