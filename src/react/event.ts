/**
 * `useEvent`: a server event listener for the life of a component.
 * @module
 */
import { useEffect } from 'react'
import type { Client, Contract, EventName, EventOf } from '../index'
import { useLifeline, type AnyClient } from './context'
import { useLatest } from './latest'

/**
 * Calls `handler` for every `event` the server pushes while the component is mounted. The
 * handler may be a new function every render: the latest one is called, and the listener is
 * not re-attached for it (only for a new event name or client).
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
  if (typeof event !== 'string' || event === '') throw new TypeError(`lifeline-ws/react: useEvent needs an event name, got ${String(event)}`)
  if (typeof handler !== 'function') throw new TypeError(`lifeline-ws/react: useEvent('${event}') needs a handler function`)
  const chosen = useLifeline(client) as AnyClient
  const latest = useLatest(handler)
  useEffect(() => {
    try {
      return chosen.listen(event, (payload) => latest.current(payload as EventOf<C, K>))
    } catch {
      // A closed client throws ClientClosedError: it will push no event, so there is nothing to listen to.
      return undefined
    }
  }, [chosen, event])
}
