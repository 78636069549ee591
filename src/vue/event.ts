/**
 * `useEvent`: a server event while the component is mounted.
 * @module
 */
import type { ShallowRef } from 'vue'
import type { Client, Contract, EventName, EventOf } from '../index'
import { eventStore } from '../store/index'
import { useLifeline } from './context'
import { storeRef, whileMounted } from './follow'

// Bundlers replace `process.env.NODE_ENV`; declared here (not from @types/node) so the browser build needs no Node types.
declare const process: { env: { NODE_ENV?: string } }

/**
 * Listens to a server event while the component is mounted: calls `handler` (if given) for every
 * payload and returns a read-only ref of the latest one (`undefined` before the first). On a
 * closed client it hears nothing.
 * @param client - @default the provided one
 * @example
 * const typing = useEvent('typing', ({ user }) => console.log(user, 'is typing'))
 */
export function useEvent<C extends Contract = Contract, K extends EventName<C> = EventName<C>>(
  event: K,
  handler?: (payload: EventOf<C, K>) => void,
  client?: Client<C>,
): Readonly<ShallowRef<EventOf<C, K> | undefined>> {
  // Development builds only, like the stores' name checks: TypeScript catches it before that.
  if (typeof process !== 'undefined' && process.env.NODE_ENV !== 'production' && handler !== undefined && typeof handler !== 'function') throw new TypeError(`lifeline-ws/vue: useEvent('${String(event)}') handler must be a function`)
  const store = eventStore(useLifeline(client), event)
  if (handler) whileMounted(() => store.listen(handler))
  return storeRef(store)
}
