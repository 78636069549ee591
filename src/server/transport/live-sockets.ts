/**
 * The sockets a transport holds (accepted, or being refused with a close
 * code), so that `close()` can wait for them and cut the rest: the part of
 * {@link Transport} every adapter has the same.
 * @module
 */
import type { Clock } from '../clock'

/** A set of sockets that can tell when it is empty. @internal */
export interface LiveSockets<S> extends Iterable<S> {
  add(socket: S): void
  /** Forget a socket (it closed); the waiters of {@link LiveSockets.drained} hear of the last one. */
  delete(socket: S): void
  readonly size: number
  /** Resolves once no socket is left, or after `ms`. */
  drained(ms: number): Promise<void>
}

/** @internal */
export function createLiveSockets<S>(clock: Clock): LiveSockets<S> {
  const sockets = new Set<S>()
  const waiters = new Set<() => void>()
  return {
    add: (socket) => void sockets.add(socket),
    delete(socket) {
      if (!sockets.delete(socket) || sockets.size) return
      for (const wake of [...waiters]) wake()
    },
    get size() {
      return sockets.size
    },
    [Symbol.iterator]: () => [...sockets][Symbol.iterator](),
    drained: (ms) =>
      new Promise<void>((resolve) => {
        if (!sockets.size) return resolve()
        const wake = () => {
          waiters.delete(wake)
          clock.clearTimeout(timer)
          resolve()
        }
        const timer = clock.setTimeout(wake, ms)
        waiters.add(wake)
      }),
  }
}
