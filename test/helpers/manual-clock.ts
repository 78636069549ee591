/**
 * A clock whose timers run only when the test moves it, for the client's
 * `environment.clock` in tests over real sockets (where `vi.useFakeTimers()`
 * would also stop the timers of `ws` and the server). Moving it far ahead and
 * seeing nothing happen proves that nothing was scheduled: no fixed sleep.
 */
import type { Clock } from '../../src/timers'

export interface ManualClock {
  /** The clock to inject. */
  readonly clock: Clock
  /** Timers scheduled and neither run nor cleared. */
  readonly pending: number
  /** Moves time forward by `ms`, running every timer that falls due, in time order (timers they set included). */
  advance(ms: number): void
}

export function manualClock(start = 0): ManualClock {
  let now = start
  let lastId = 0
  const timers = new Map<number, { at: number; fn: () => void }>()
  const due = (until: number) => {
    let next: [number, { at: number; fn: () => void }] | undefined
    for (const entry of timers) if (entry[1].at <= until && (!next || entry[1].at < next[1].at)) next = entry
    return next
  }
  return {
    clock: {
      now: () => now,
      setTimeout(fn, ms) {
        lastId++
        timers.set(lastId, { at: now + Math.max(0, ms), fn })
        return lastId
      },
      clearTimeout: (id) => void timers.delete(id as number),
    },
    get pending() {
      return timers.size
    },
    advance(ms) {
      const target = now + ms
      for (let next = due(target); next; next = due(target)) {
        timers.delete(next[0])
        now = next[1].at
        next[1].fn()
      }
      now = target
    },
  }
}
