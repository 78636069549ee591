/**
 * The sockets a transport holds (accepted, or being refused with a close
 * code), so that `close()` can wait for them and cut the rest: the part of
 * {@link Transport} every adapter has the same. Each may carry a value of
 * the adapter's (the `ws` adapter: where the socket's events go, so that
 * one listener per event serves every socket).
 * @module
 */
import type { Clock } from '../clock'

/** A set of sockets that can tell when it is empty. @internal */
export interface LiveSockets<S, V = undefined> extends Iterable<S> {
  add(socket: S, value?: V): void
  /** The value `socket` was added with. */
  get(socket: S): V | undefined
  /** Forget a socket (it closed); the waiters of {@link LiveSockets.drained} hear of the last one. */
  delete(socket: S): void
  readonly size: number
  /** Resolves once no socket is left, or after `ms`. */
  drained(ms: number): Promise<void>
}

/** @internal */
export function createLiveSockets<S, V = undefined>(clock: Clock): LiveSockets<S, V> {
  const sockets = new Map<S, V | undefined>()
  const waiters = new Set<() => void>()
  return {
    add: (socket, value) => void sockets.set(socket, value),
    get: (socket) => sockets.get(socket),
    delete(socket) {
      if (!sockets.delete(socket) || sockets.size) return
      for (const wake of [...waiters]) wake()
    },
    get size() {
      return sockets.size
    },
    [Symbol.iterator]: () => [...sockets.keys()][Symbol.iterator](),
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
