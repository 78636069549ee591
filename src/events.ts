/**
 * A typed emitter over nanoevents, the only file that imports it. Listener
 * exceptions are caught and handed to `onThrow`, so one broken listener can
 * neither stop the others nor unwind lifeline's own state changes.
 * @module
 */
import { createNanoEvents } from 'nanoevents'

/** A map from event name to listener signature. @internal */
export type EventMap<E> = { [K in keyof E]: (...args: never[]) => void }

/** @internal */
export interface Emitter<E extends EventMap<E>> {
  on<K extends keyof E & string>(event: K, listener: E[K]): () => void
  emit<K extends keyof E & string>(event: K, ...args: Parameters<E[K]>): void
}

/** @internal */
export function createEmitter<E extends EventMap<E>>(onThrow: (err: unknown, event: string) => void): Emitter<E> {
  type Loose = { [name: string]: (...args: unknown[]) => void }
  const inner = createNanoEvents<Loose>()
  // Event names can come from the server: '__proto__' or 'toString' must not resolve to Object.prototype's.
  inner.events = Object.create(null) as typeof inner.events
  return {
    on: (event, listener) => inner.on(event, listener as unknown as Loose[string]),
    emit(event, ...args) {
      // Unbinding replaces the array (nanoevents filters), so iterating this one stays safe.
      const listeners = inner.events[event]
      // Most frames have no listener for most events ('message' on a client): nothing to allocate.
      if (!listeners) return
      for (const listener of listeners) {
        try {
          listener(...args)
        } catch (err) {
          onThrow(err, event)
        }
      }
    },
  }
}
