/**
 * `useCall`: a method call tied to a component, with its result, error and
 * loading flag; cancelled when the component unmounts or its params change.
 * @module
 */
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react'
import type { CallOptions, Client, Contract, Lookup, MethodName, Part, ResultOf } from '../index'
import { useLifeline, type AnyClient } from './context'
import { useLatest } from './latest'
import { abortError } from '../errors'

/** The params `useCall` passes for a method: its parameter type, `undefined` when it takes none, or `unknown` without a contract. */
export type CallParams<C extends Contract, K extends string> = [Part<C, 'methods'>] extends [never]
  ? unknown
  : Lookup<Part<C, 'methods'>, K, never> extends (params: infer P) => unknown ? P : undefined

/** Options of {@link useCall}. */
export interface UseCallOptions<C extends Contract = Contract> extends Omit<CallOptions, 'signal'> {
  /** The client. @default the nearest `<LifelineProvider>`'s */
  client?: Client<C>
  /** `false` holds the call back (for example until its params are known); `refetch()` still runs it. @default true */
  enabled?: boolean
}

/** What {@link useCall} returns. */
export interface CallState<R> {
  /** The last result; kept while a refetch runs. */
  readonly data: R | undefined
  /** Why the last call failed (`RpcError`, `TimeoutError`, `ConnectionClosedError`…); cleared by the next result. */
  readonly error: unknown
  /** A call is running. */
  readonly loading: boolean
  /** Calls again now (cancelling a running call). Does nothing after unmount. */
  refetch(): void
}

type Snapshot = Omit<CallState<unknown>, 'refetch'>

interface CallStore {
  subscribe(onChange: () => void): () => void
  get(): Snapshot
  start(run: (signal: AbortSignal) => Promise<unknown>): void
  cancel(): void
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
  if (typeof method !== 'string' || method === '') throw new TypeError(`lifeline-ws/react: useCall needs a method name, got ${String(method)}`)
  const client = useLifeline(options.client) as AnyClient
  const enabled = options.enabled ?? true
  const key = paramsKey(method, params)
  // Latest-ref: the call reads the params and options of the last render, not of the render that scheduled it.
  const latest = useLatest({ params: params as unknown, timeout: options.timeout, resend: options.resend })
  const [store] = useState(() => createCallStore(enabled))
  const [server] = useState(store.get)
  const mounted = useRef(false)

  const run = useCallback(() => store.start((signal) => {
    const { params: current, timeout, resend } = latest.current
    const callOptions: CallOptions = { signal }
    if (timeout !== undefined) callOptions.timeout = timeout
    if (resend !== undefined) callOptions.resend = resend
    return client.call(method, current, callOptions)
  }), [store, client, method])

  useEffect(() => {
    mounted.current = true
    if (!enabled) return () => {
      mounted.current = false
      store.cancel()
    }
    // Started a microtask later: StrictMode's mount, unmount, mount then makes one call, not two.
    let live = true
    queueMicrotask(() => live && run())
    return () => {
      live = false
      mounted.current = false
      store.cancel()
    }
  }, [run, key, enabled, store])

  const snapshot = useSyncExternalStore(store.subscribe, store.get, () => server)
  const refetch = useCallback(() => {
    if (mounted.current) run()
  }, [run])
  return useMemo(() => ({ ...snapshot, refetch }) as CallState<ResultOf<C, K>>, [snapshot, refetch])
}

function paramsKey(method: string, params: unknown): string {
  try {
    return JSON.stringify(params) ?? 'undefined'
  } catch (cause) {
    throw new TypeError(`lifeline-ws/react: useCall('${method}') params must be JSON-serializable`, { cause })
  }
}

/** `loading` starts true when the call will start on mount, so the first render does not flash "not loading". */
function createCallStore(loading: boolean): CallStore {
  let snapshot: Snapshot = { data: undefined, error: undefined, loading }
  let controller: AbortController | undefined
  const listeners = new Set<() => void>()
  const set = (next: Snapshot) => {
    snapshot = next
    listeners.forEach((listener) => listener())
  }
  return {
    subscribe(onChange) {
      listeners.add(onChange)
      return () => listeners.delete(onChange)
    },
    get: () => snapshot,
    start(run) {
      controller?.abort(abortError('lifeline-ws/react: call superseded'))
      const current = new AbortController()
      controller = current
      set({ ...snapshot, loading: true })
      run(current.signal).then((data) => {
        if (controller !== current) return
        controller = undefined
        set({ data, error: undefined, loading: false })
      }, (error: unknown) => {
        if (controller !== current) return
        controller = undefined
        set({ data: snapshot.data, error, loading: false })
      })
    },
    cancel() {
      controller?.abort(abortError('lifeline-ws/react: component unmounted or params changed'))
      controller = undefined
      // Told, not just changed: a call disabled while running must not stay "loading" on screen.
      if (snapshot.loading) set({ ...snapshot, loading: false })
    },
  }
}
