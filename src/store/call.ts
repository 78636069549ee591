/**
 * `callStore`: a method call as a store: its result, error and loading flag,
 * called again when its request changes, aborted when it is superseded or
 * nobody is subscribed any more.
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

/** What to call, and how. */
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
  /** Calls again now, aborting a running call. Does nothing while nobody is subscribed. */
  refetch(): void
  /**
   * A new request: a different method, params (by value) or `enabled` aborts the running call
   * and, while subscribed and enabled, calls again; the same one only takes its new options.
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
 * @example
 * const history = callStore(client, { method: 'room.history', params: { room: 'lobby' } })
 * const stop = history.subscribe(({ data, error, loading }) => console.log(data, error, loading))
 */
export function callStore<C extends Contract, K extends MethodName<C>>(client: Client<C>, request: CallRequest<C, K>): CallStore<C, K> {
  type Result = ResultOf<C, K>
  let current = request
  let key = keyOf(request as CallRequest)
  let enabled = request.enabled ?? true
  let controller: AbortController | undefined
  // Counts started calls: a change or refetch before the deferred first call makes it unnecessary.
  let runs = 0
  const source = createSource<CallState<Result>>({ data: undefined, error: undefined, loading: enabled }, () => {
    const before = runs
    const stopStart = soon(() => {
      if (enabled && runs === before) run()
    })
    return () => {
      stopStart()
      cancel()
    }
  })
  // Aborted without a reason of our own: the platform's AbortError is what the call rejects with,
  // and nobody sees it (the store drops answers of calls it let go). React Native has no DOMException.
  const cancel = () => {
    controller?.abort()
    controller = undefined
    // Told, not just changed: a call stopped while running must not stay "loading" on screen.
    if (source.readable.get().loading) patch({ loading: false })
  }
  const patch = (changes: Partial<CallState<Result>>) => source.set({ ...source.readable.get(), ...changes })
  const run = () => {
    controller?.abort()
    runs++
    const mine = new AbortController()
    controller = mine
    const { method, params, enabled: _enabled, ...options } = current
    patch({ loading: true })
    const settle = (changes: Partial<CallState<Result>>) => {
      if (controller !== mine) return
      controller = undefined
      patch({ ...changes, loading: false })
    }
    // A promise even when `call` throws at once: a client that breaks its contract must not break the store.
    new Promise<Result>((resolve) => {
      resolve((client.call as (method: string, params: unknown, options: CallOptions) => Promise<Result>)(method, params, { ...options, signal: mine.signal }))
    })
      .then((data) => settle({ data, error: undefined }), (error: unknown) => settle({ error }))
  }
  return {
    ...source.readable,
    refetch() {
      if (source.active) run()
    },
    change(next) {
      const nextKey = keyOf(next as CallRequest)
      const nextEnabled = next.enabled ?? true
      current = next
      if (nextKey === key && nextEnabled === enabled) return
      key = nextKey
      enabled = nextEnabled
      if (!source.active) {
        patch({ loading: enabled })
      } else if (enabled) {
        run()
      } else {
        cancel()
      }
    },
  }
}

function keyOf({ method, params }: CallRequest): string {
  if (typeof process !== 'undefined' && process.env.NODE_ENV !== 'production') checkName('a call store', method)
  try {
    return `${method} ${JSON.stringify(params)}`
  } catch (cause) {
    throw new TypeError(`lifeline-ws: call('${method}') params must be JSON-serializable`, { cause })
  }
}
