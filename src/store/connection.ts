/**
 * `connectionStore`: the client's state as a store.
 * @module
 */
import type { Client, Contract, State } from '../index'
import type { Readable } from './readable'

/**
 * The connection state (`'idle'`, `'connecting'`, `'open'`, `'reconnecting'`, `'closed'`),
 * told only when it changes: each subscriber listens to the client's `state` event.
 * @example
 * const state = connectionStore(client)
 * const stop = state.subscribe((now) => console.log('connection', now))
 */
export function connectionStore<C extends Contract>(client: Client<C>): Readable<State> {
  return {
    get: () => client.state,
    subscribe(run) {
      run(client.state)
      return client.on('state', (state) => run(state))
    },
  }
}
