/**
 * `callStore`: a method call as a store: its result, error and loading flag,
 * called again when its request changes, aborted when it is superseded or
 * nobody is started any more.
 * @module
 */
import type { CallOptions, Client, Contract, Lookup, MethodName, Part, ResultOf } from '../index'
import { createSource, soon, type Readable } from './readable'
import { checkName } from './names'

// Bundlers replace `process.env.NODE_ENV`; declared here (not from @types/node) so the browser build needs no Node types.
declare const process: { env: { NODE_ENV?: string } }

/** The params a call passes for a method: its parameter type, `undefined` when it takes none, or `unknown` without a contract. */
export type CallParams<C extends Contract, K extends string> = [Part<C, 'methods'>] extends [never]
  ? unknown
  : Lookup<Part<C, 'methods'>, K, never> extends (params: infer P) => unknown ? P : undefined

/** What to call, and how: the method, its params, and the call's options. */
export interface CallRequest<C extends Contract = Contract, K extends MethodName<C> = MethodName<C>> extends Omit<CallOptions, 'signal'> {
  method: K
  /** Compared by value (as JSON): an equal new object is the same request. */
  params: NoInfer<CallParams<C, K>>
  /** `false` holds the call back (for example until its params are known); `refetch()` still runs it. @default true */
  enabled?: boolean
}

/** A call store's value. */
export interface CallState<R> {
  /** The last result; kept while a refetch runs. */
  readonly data: R | undefined
  /** Why the last call failed (`RpcError`, `TimeoutError`, `ConnectionClosedError`…); cleared by the next result. */
  readonly error: unknown
  /** A call is running (or, before the first subscriber, will start). */
  readonly loading: boolean
}

/** A call's store. */
export interface CallStore<C extends Contract = Contract, K extends MethodName<C> = MethodName<C>> extends Readable<CallState<ResultOf<C, K>>> {
  /** Calls again now, aborting a running call. Does nothing while nobody is started. */
  refetch(): void
  /**
   * A new request: a different method, params (by value) or `enabled` aborts the running call
   * and, while started and enabled, calls again; the same one only takes its new options.
   * @example
   * history.change({ method: 'room.history', params: { room: 'lobby' } })
   */
  change(request: CallRequest<C, K>): void
}

/**
 * A call as a store. It calls a microtask after its first subscriber (so a subscribe and
 * unsubscribe in one go, like React's StrictMode or a server render, call nothing), again on
 * `change` to a new request and on `refetch`; it aborts the running call (its `AbortSignal`)
 * when superseded and when the last subscriber leaves, and a late answer never changes it.
 * `refetch` and `change` may be called detached (`const { refetch } = store`).
 * @example
 * const history = callStore(client, { method: 'room.history', params: { room: 'lobby' } })
 * const stop = history.subscribe(({ data, error, loading }) => console.log(data, error, loading))
 */
export function callStore<C extends Contract, K extends MethodName<C>>(client: Client<C>, request: CallRequest<C, K>): CallStore<C, K> {
  type Result = ResultOf<C, K>
  let key = keyOf(request as CallRequest)
  // Started (a microtask after the first subscriber) and not yet stopped (the last one left).
  let started = false
  // The running call's; a call whose controller is no longer this one was superseded.
  let controller: AbortController | undefined
  const enabled = () => request.enabled ?? true
  const [store, tell] = createSource<CallState<Result>>({ data: undefined, error: undefined, loading: enabled() }, () => soon(() => {
    started = true
    restart(enabled())
    return () => {
      started = false
      restart(false)
    }
  }))
  const update = (change: Partial<CallState<Result>>) => tell({ ...store.get(), ...change })
  // Aborts the running call and, when `call`, calls anew. Aborted without a reason of our own: the
  // platform's AbortError is what the call rejects with, and nobody sees it (the store drops answers
  // of calls it let go). React Native has no DOMException.
  const restart = (call: boolean) => {
    controller?.abort()
    controller = undefined
    // Also when it stops: a call stopped while running must not stay "loading" on screen.
    update({ loading: call })
    if (!call) return
    const mine = new AbortController()
    controller = mine
    const settle = (change: Partial<CallState<Result>>) => {
      if (controller !== mine) return
      controller = undefined
      update({ ...change, loading: false })
    }
    // A promise even when `call` throws at once: a client that breaks its contract must not break the store.
    // The request's other fields (`timeout`, `resend`) are the call's options; `call` ignores the rest.
    new Promise<Result>((resolve) => {
      resolve((client.call as (method: string, params: unknown, options: CallOptions) => Promise<Result>)(request.method, request.params, { ...request, signal: mine.signal }))
    })
      .then((data) => settle({ data, error: undefined }), (error: unknown) => settle({ error }))
  }
  return {
    ...store,
    refetch() {
      if (started) restart(true)
    },
    change(next) {
      const nextKey = keyOf(next as CallRequest)
      request = next
      if (nextKey === key) return
      key = nextKey
      if (started) restart(enabled())
      else update({ loading: enabled() })
    },
  }
}

/** What makes two requests the same: method, `enabled` and params by value. */
function keyOf({ method, params, enabled }: CallRequest): string {
  if (typeof process !== 'undefined' && process.env.NODE_ENV !== 'production') checkName('a call store', method)
  try {
    return `${method} ${enabled ?? true} ${JSON.stringify(params)}`
  } catch (cause) {
    throw new TypeError(`lifeline-ws: call('${method}') params must be JSON-serializable`, { cause })
  }
}
