/**
 * `eventStore`: a server event as a stream of payloads.
 * @module
 */
import type { Client, Contract, EventName, EventOf } from '../index'
import { createSource, type Readable } from './readable'
import { checkName } from './names'

// Bundlers replace `process.env.NODE_ENV`; declared here (not from @types/node) so the browser build needs no Node types.
declare const process: { env: { NODE_ENV?: string } }

/** An event's store: its value is the latest payload; `listen` hears every one. */
export interface EventStore<T> extends Readable<T | undefined> {
  /**
   * Calls `handler` for every event from now on (not for the one before). Returns the stop.
   * @example
   * const stop = typing.listen(({ user }) => console.log(user, 'is typing'))
   */
  listen(handler: (payload: T) => void): () => void
}

/**
 * A server-pushed event as a store: the latest payload (`undefined` before the first), every
 * payload told (the same value twice is two events). One `client.listen` while anyone
 * subscribes or listens. On a closed client it hears nothing and throws nothing.
 * @example
 * const typing = eventStore(client, 'typing')
 * const stop = typing.listen(({ user }) => console.log(user, 'is typing'))
 */
export function eventStore<C extends Contract, K extends EventName<C>>(client: Client<C>, event: K): EventStore<EventOf<C, K>> {
  if (typeof process !== 'undefined' && process.env.NODE_ENV !== 'production') checkName('an event store', event)
  const [store, tell] = createSource<EventOf<C, K> | undefined>(undefined, (): (() => void) => {
    try {
      return client.listen(event, tell)
    } catch {
      // A closed client throws ClientClosedError: it will push nothing, so there is nothing to hear.
      return () => {}
    }
  })
  return {
    ...store,
    listen(handler) {
      // The store tells its current value at once; a listener hears only what comes after.
      let listening = false
      const stop = store.subscribe((payload) => {
        if (listening) handler(payload!)
      })
      listening = true
      return stop
    },
  }
}
