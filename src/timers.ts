/**
 * The injectable clock and owned timer handles. Every timer in lifeline is a
 * {@link Timer}: one owner, one `clear()`, so a socket's teardown can stop
 * all of its timers in one place.
 * @module
 */

/** What lifeline needs from time. Tests inject a fake; the default is the global timers. @internal */
export interface Clock {
  now(): number
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

/** The real clock; read lazily so fake timers installed after import still apply. @internal */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
}

/** A single re-armable timeout. Arming it again replaces the pending one. @internal */
export interface Timer {
  /** Run `fn` after `ms`, cancelling whatever was pending. */
  set(ms: number, fn: () => void): void
  /** Cancel the pending run, if any. */
  clear(): void
  /** True while a run is pending. */
  readonly pending: boolean
}

/** @internal */
export function createTimer(clock: Clock): Timer {
  let handle: unknown
  let armed = false
  const clear = () => {
    if (armed) clock.clearTimeout(handle)
    armed = false
  }
  return {
    set(ms, fn) {
      clear()
      armed = true
      handle = clock.setTimeout(() => {
        armed = false
        fn()
      }, ms)
    },
    clear,
    get pending() {
      return armed
    },
  }
}
