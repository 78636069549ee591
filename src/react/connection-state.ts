/**
 * `useConnectionState`: the client's state, re-rendering only when it changes.
 * @module
 */
import { useMemo, useSyncExternalStore } from 'react'
import type { Client, Contract, State } from '../index'
import { connectionStore } from '../store/index'
import { useLifeline } from './context'

/**
 * What server rendering and hydration show: the page has not connected yet. A constant, so the
 * markup rendered on the server and the browser's first render always agree.
 */
export const SERVER_STATE: State = 'connecting'

/**
 * The connection state (`'idle'`, `'connecting'`, `'open'`, `'reconnecting'`, `'closed'`).
 * The component re-renders only when it changes. On the server it is `'connecting'`.
 * @param client - the client to watch. @default the nearest `<LifelineProvider>`'s
 * @example
 * function Badge() {
 *   const state = useConnectionState()
 *   return <span className={state}>{state === 'open' ? 'online' : 'offline'}</span>
 * }
 */
export function useConnectionState<C extends Contract = Contract>(client?: Client<C>): State {
  const chosen = useLifeline(client)
  const store = useMemo(() => connectionStore(chosen), [chosen])
  return useSyncExternalStore(store.subscribe, store.get, getServerState)
}

const getServerState = (): State => SERVER_STATE
