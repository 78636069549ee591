/**
 * The events a tab listens to, counted by name (docs/sharing.md): the leader
 * hears of the first listener of an event and of the last one leaving, and a
 * new leader is told every event still listened to.
 * @module
 */

/** @internal */
export interface Listening {
  /** One more listener of `event`; the function it returns removes it (once). */
  add(event: string): () => void
  /** Every event with a listener. */
  events(): Iterable<string>
}

/** `first` and `last`: tell the leader that an event got its first listener, or lost its last. @internal */
export function createListening(first: (event: string) => void, last: (event: string) => void): Listening {
  const counts = new Map<string, number>()
  return {
    add(event) {
      const count = counts.get(event) ?? 0
      counts.set(event, count + 1)
      if (!count) first(event)
      let done = false
      return () => {
        if (done) return
        done = true
        const left = counts.get(event)! - 1
        if (left) counts.set(event, left)
        else {
          counts.delete(event)
          last(event)
        }
      }
    },
    events: () => counts.keys(),
  }
}
