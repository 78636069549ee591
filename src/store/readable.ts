/**
 * The one shape every lifeline store has: Svelte's store contract (`subscribe`
 * calls its function at once and on every change, and returns the unsubscribe)
 * plus `get()`, a synchronous read for React's `useSyncExternalStore` and for
 * signals. Svelte's `$store`, Solid's `from()` and Vue's refs all take it as is.
 * @module
 */

/** A value that changes over time. Work starts with the first subscriber and stops after the last. */
export interface Readable<T> {
  /**
   * Calls `run` with the current value now and with every new value after. Returns the
   * unsubscribe; the last one stops the store's work (a subscription, a listener, a call).
   * @example
   * const stop = store.subscribe((value) => console.log(value))
   */
  subscribe(run: (value: T) => void): () => void
  /** The current value, without subscribing. */
  get(): T
}

/** Gives every subscriber a new value, even one equal to the current (an event's payload twice is two events). @internal */
export type Tell<T> = (value: T) => void

/**
 * A readable and the way to change its value. `start` runs when the first subscriber comes and
 * the stop it returns when the last one leaves (again and again, as subscribers come and go).
 * @internal
 */
export function createSource<T>(initial: T, start: () => () => void): [Readable<T>, Tell<T>] {
  let value = initial
  // Set while anyone is subscribed.
  let stop: (() => void) | undefined
  // Entries, not functions: the same function subscribed twice is two subscribers.
  const subscribers = new Set<{ run: (value: T) => void }>()
  const tell: Tell<T> = (next) => {
    value = next
    // A copy: a subscriber may unsubscribe itself or another while being told.
    for (const subscriber of [...subscribers]) subscriber.run(next)
  }
  const readable: Readable<T> = {
    get: () => value,
    subscribe(run) {
      const subscriber = { run }
      subscribers.add(subscriber)
      run(value)
      stop ??= start()
      return () => {
        if (!subscribers.delete(subscriber) || subscribers.size) return
        stop?.()
        stop = undefined
      }
    },
  }
  return [readable, tell]
}

/**
 * Runs `work` a microtask from now unless the returned cancel runs first; the cancel also runs
 * the stop `work` returned. A store starts this way when its work reaches the server: React's
 * StrictMode subscribes, unsubscribes and subscribes again in one go, and a server render
 * (Svelte's, Vue's) subscribes and unsubscribes within the render; neither should reach the
 * client. Messages and answers arrive in tasks of their own, so none is missed meanwhile.
 * @internal
 */
export function soon(work: () => () => void): () => void {
  let cancelled = false
  let stop: (() => void) | undefined
  queueMicrotask(() => {
    if (!cancelled) stop = work()
  })
  return () => {
    cancelled = true
    stop?.()
  }
}
