/**
 * Where hooks find their client: the nearest `<LifelineProvider>`, unless a
 * hook is given one directly.
 * @module
 */
import { createContext, createElement, useContext, useEffect, type ReactNode } from 'react'
import type { Client, Contract } from '../index'

/** A client of any contract, as the hooks handle it internally. @internal */
export type AnyClient = Client<Contract>

// Bundlers replace `process.env.NODE_ENV`; declared here (not from @types/node) so the browser build needs no Node types.
declare const process: { env: { NODE_ENV?: string } }

const LifelineContext = createContext<AnyClient | undefined>(undefined)
// The name React DevTools shows; production builds have no DevTools to show it in.
if (typeof process !== 'undefined' && process.env.NODE_ENV !== 'production') LifelineContext.displayName = 'LifelineContext'

/** Props of {@link LifelineProvider}. */
export interface LifelineProviderProps<C extends Contract = Contract> {
  /**
   * The client every hook below uses unless given its own. Create it once, outside render
   * (module scope, or a store), so React's StrictMode and re-renders never open a second socket.
   */
  client: Client<C>
  /**
   * Calls `client.connect()` after mount when the client is lazy (state `'idle'`). With a lazy
   * client, server rendering touches no `WebSocket`: the socket opens in the browser only.
   * @default true
   */
  connect?: boolean
  children?: ReactNode
}

/**
 * Makes a client available to the lifeline hooks of its subtree. It does not close the client
 * on unmount: whoever created the client owns it.
 * @example
 * const client = createClient<ChatApi>('/ws', { lazy: true })
 * createRoot(root).render(<LifelineProvider client={client}><App /></LifelineProvider>)
 */
export function LifelineProvider<C extends Contract = Contract>(props: LifelineProviderProps<C>): ReactNode {
  const { client, connect = true } = props
  useEffect(() => {
    if (connect && client.state === 'idle') client.connect()
  }, [client, connect])
  return createElement(LifelineContext.Provider, { value: client as unknown as AnyClient }, props.children)
}

/**
 * The client a hook should use: `client` when given, else the nearest provider's.
 * Throws when there is neither, naming both ways to give one.
 * @example
 * const client = useLifeline<ChatApi>()
 */
export function useLifeline<C extends Contract = Contract>(client?: Client<C>): Client<C> {
  const provided = useContext(LifelineContext)
  const chosen = client ?? (provided as unknown as Client<C> | undefined)
  if (!chosen) {
    throw new Error('lifeline-ws/react: no client: pass one to the hook, or render inside <LifelineProvider>')
  }
  return chosen
}
