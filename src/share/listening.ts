/**
 * The server events a tab listens to (docs/sharing.md): the emitter of the
 * tab's RPC layer, counting listeners by event, so that the leader hears of
 * an event's first listener and of its last one leaving, and a new leader is
 * told every event still listened to.
 * @module
 */
import { createEmitter, type Emitter } from '../events'
import type { ServerEvents } from '../client/rpc'

/** @internal */
export interface Listening extends Emitter<ServerEvents> {
  /** Every event with a listener. */
  events(): Iterable<string>
}

/**
 * `first` and `last`: tell the leader that an event got its first listener, or lost its last. `report`
 * gets what a listener throws.
 * @internal
 */
export function createListening(report: (err: unknown) => void, first: (event: string) => void, last: (event: string) => void): Listening {
  const emitter = createEmitter<ServerEvents>(report)
  const counts = new Map<string, number>()
  return {
    on(event, listener) {
      const count = counts.get(event) ?? 0
      counts.set(event, count + 1)
      if (!count) first(event)
      const off = emitter.on(event, listener)
      let done = false
      return () => {
        if (done) return
        done = true
        off()
        const left = counts.get(event)! - 1
        if (left) counts.set(event, left)
        else {
          counts.delete(event)
          last(event)
        }
      }
    },
    emit: emitter.emit,
    events: () => counts.keys(),
  }
}
