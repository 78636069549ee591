/**
 * Instruments for leak tests: a real clock that counts its pending timers,
 * and a `ws` WebSocket that remembers every instance.
 */
import { WebSocket } from 'ws'
import type { Clock } from '../../src/timers'

/** The real timers, with `pending` holding the handles still scheduled. */
export function countingClock(): Clock & { pending: Set<unknown> } {
  const pending = new Set<unknown>()
  return {
    pending,
    now: () => Date.now(),
    setTimeout(fn, ms) {
      const handle = setTimeout(() => {
        pending.delete(handle)
        fn()
      }, ms)
      pending.add(handle)
      return handle
    },
    clearTimeout(handle) {
      pending.delete(handle)
      clearTimeout(handle as ReturnType<typeof setTimeout>)
    },
  }
}

/** A `ws` WebSocket class whose instances all land in `sockets`. */
export function trackedWebSocket(sockets: WebSocket[]): new (url: string, protocols?: string | string[]) => WebSocket {
  return class TrackedWebSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols)
      sockets.push(this)
    }
  }
}
