/**
 * Where stores find their client: the one given to them, or the nearest
 * `setLifeline(client)` of a parent component (Svelte's context).
 * @module
 */
import { getContext, onMount, setContext } from 'svelte'
import type { Client, Contract } from '../index'

const key = Symbol('lifeline')

/** Options of {@link setLifeline}. */
export interface SetLifelineOptions {
  /**
   * Calls `client.connect()` once the component is mounted, when the client is lazy (state
   * `'idle'`). Svelte mounts in the browser only, so with a lazy client a server render
   * (SvelteKit) constructs no `WebSocket`.
   * @default true
   */
  connect?: boolean
}

/**
 * Makes `client` the one every store created in this component's descendants uses unless given
 * its own; call it during component initialisation (the root layout, say). It never closes the
 * client: whoever created it owns it.
 * @example
 * // +layout.svelte
 * setLifeline(client)
 */
export function setLifeline<C extends Contract>(client: Client<C>, options: SetLifelineOptions = {}): void {
  setContext(key, client)
  onMount(() => {
    if ((options.connect ?? true) && client.state === 'idle') client.connect()
  })
}

/**
 * The client a store should use: `client` when given, else the one a parent set. Throws when
 * there is neither, naming both ways to give one (outside component initialisation only a given
 * client works: Svelte's context is read during initialisation).
 * @example
 * const client = getLifeline<ChatApi>()
 */
export function getLifeline<C extends Contract = Contract>(client?: Client<C>): Client<C> {
  if (client) return client
  let provided: Client<C> | undefined
  try {
    provided = getContext<Client<C> | undefined>(key)
  } catch {
    // Outside component initialisation Svelte throws; the message below says what to do.
  }
  if (!provided) {
    throw new Error('lifeline-ws/svelte: no client: pass one to the store (needed outside components), or setLifeline(client) in a parent component')
  }
  return provided
}
