/**
 * `useCall`: a method call tied to a component, with its result, error and
 * loading flag; cancelled when the component unmounts or its params change.
 * `callStore` of `lifeline-ws/store` on `useSyncExternalStore`.
 * @module
 */
import { useEffect, useMemo, useSyncExternalStore } from 'react'
import type { CallOptions, Client, Contract, MethodName, ResultOf } from '../index'
import { callStore, type CallParams, type CallRequest, type CallState as StoreState } from '../store/index'
import { useLifeline } from './context'

export type { CallParams } from '../store/index'

/** Options of {@link useCall}. */
export interface UseCallOptions<C extends Contract = Contract> extends Omit<CallOptions, 'signal'> {
  /** The client. @default the nearest `<LifelineProvider>`'s */
  client?: Client<C>
  /** `false` holds the call back (for example until its params are known); `refetch()` still runs it. @default true */
  enabled?: boolean
}

/** What {@link useCall} returns. */
export interface CallState<R> extends StoreState<R> {
  /** Calls again now (cancelling a running call). Does nothing after unmount. */
  refetch(): void
}

/**
 * Calls `method` with `params` when the component mounts and again whenever the params change
 * (compared by value, as JSON), and returns `{ data, error, loading, refetch }`. A running call
 * is aborted (its `AbortSignal`) on unmount or when the params change, and its late answer never
 * updates the component. Server rendering returns `{ loading: true }` (`false` when disabled) and calls nothing.
 * @example
 * const { data: history, error, loading, refetch } = useCall('room.history', { room: 'lobby', limit: 50 })
 */
export function useCall<C extends Contract = Contract, K extends MethodName<C> = MethodName<C>>(
  method: K,
  params: NoInfer<CallParams<C, K>>,
  options: UseCallOptions<C> = {},
): CallState<ResultOf<C, K>> {
  const client = useLifeline(options.client)
  // The options ride along as the call's options (`timeout`, `resend`; the store ignores `client`).
  const request = { ...options, method, params } as CallRequest<C, K>
  // A new store for a new client; a new method or params only changes the request (the store compares by value).
  const store = useMemo(() => callStore(client, request), [client])
  // Every commit: the store calls again only when the method, params or `enabled` changed, and
  // otherwise keeps the latest options for the next refetch.
  useEffect(() => store.change(request))
  // Server rendering and hydration see the store as made this render: nothing has run yet.
  const snapshot = useSyncExternalStore(store.subscribe, store.get, store.get)
  return useMemo(() => ({ ...snapshot, refetch: store.refetch }), [snapshot])
}
