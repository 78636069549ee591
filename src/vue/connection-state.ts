/**
 * `useConnectionState`: the client's state as a ref.
 * @module
 */
import type { ShallowRef } from 'vue'
import type { Client, Contract, State } from '../index'
import { connectionStore } from '../store/index'
import { useLifeline } from './context'
import { storeRef } from './follow'

/**
 * The connection state (`'idle'`, `'connecting'`, `'open'`, `'reconnecting'`, `'closed'`) as a
 * read-only ref, following the client while the component is mounted. A server render shows the
 * client's state as it is (`'idle'` for a lazy client, as at hydration).
 * @param client - the client to watch. @default the provided one
 * @example
 * const state = useConnectionState()
 * // <span :class="state">{{ state === 'open' ? 'online' : 'offline' }}</span>
 */
export function useConnectionState<C extends Contract = Contract>(client?: Client<C>): Readonly<ShallowRef<State>> {
  return storeRef(connectionStore(useLifeline(client)))
}
