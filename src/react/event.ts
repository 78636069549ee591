/**
 * `useEvent`: a server event listener for the life of a component.
 * @module
 */
import { useEffect } from 'react'
import type { Client, Contract, EventName, EventOf } from '../index'
import { eventStore } from '../store/index'
import { useLifeline } from './context'
import { useLatest } from './latest'

// Bundlers replace `process.env.NODE_ENV`; declared here (not from @types/node) so the browser build needs no Node types.
declare const process: { env: { NODE_ENV?: string } }

/**
 * Calls `handler` for every `event` the server pushes while the component is mounted. The
 * handler may be a new function every render: the latest one is called, and the listener is
 * not re-attached for it (only for a new event name or client). On a closed client it hears nothing.
 * @param client - @default the nearest `<LifelineProvider>`'s
 * @example
 * const [typing, setTyping] = useState<string[]>([])
 * useEvent('typing', ({ user }) => setTyping((users) => [...users, user]))
 */
export function useEvent<C extends Contract = Contract, K extends EventName<C> = EventName<C>>(
  event: K,
  handler: (payload: EventOf<C, K>) => void,
  client?: Client<C>,
): void {
  // Development builds only, like the stores' name checks: TypeScript catches it before that.
  if (typeof process !== 'undefined' && process.env.NODE_ENV !== 'production' && typeof handler !== 'function') throw new TypeError(`lifeline-ws/react: useEvent('${String(event)}') needs a handler function`)
  const chosen = useLifeline(client)
  const latest = useLatest(handler)
  useEffect(() => eventStore(chosen, event).listen((payload) => latest.current(payload)), [chosen, event])
}
