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

/** A store's inside: its readable and the way to change its value. @internal */
export interface Source<T> {
  readonly readable: Readable<T>
  /** Whether anyone is subscribed. */
  readonly active: boolean
  /** A new value, told to every subscriber unless it is the same as the current one. */
  set(value: T): void
  /** A value told to every subscriber even if it equals the current one (an event). */
  emit(value: T): void
}

/**
 * A readable whose `start` runs when the first subscriber comes and whose returned stop runs
 * when the last one leaves (again and again, as subscribers come and go).
 * @internal
 */
export function createSource<T>(initial: T, start: () => () => void): Source<T> {
  let value = initial
  let stop: (() => void) | undefined
  // Entries, not functions: the same function subscribed twice is two subscribers.
  const subscribers = new Set<{ run: (value: T) => void }>()
  const emit = (next: T) => {
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
      if (subscribers.size === 1 && !stop) stop = start()
      return () => {
        if (!subscribers.delete(subscriber) || subscribers.size) return
        const stopping = stop
        stop = undefined
        stopping?.()
      }
    },
  }
  return {
    readable,
    get active() {
      return subscribers.size > 0
    },
    set(next) {
      if (!Object.is(next, value)) emit(next)
    },
    emit,
  }
}

/**
 * Runs `work` a microtask from now unless the returned cancel runs first. A store starts this
 * way when its work reaches the server: React's StrictMode subscribes, unsubscribes and subscribes
 * again in one go, and Svelte's server render subscribes and unsubscribes within the render;
 * neither should reach the client.
 * @internal
 */
export function soon(work: () => (() => void) | void): () => void {
  let cancelled = false
  let stop: (() => void) | void
  queueMicrotask(() => {
    if (!cancelled) stop = work()
  })
  return () => {
    cancelled = true
    stop?.()
  }
}
