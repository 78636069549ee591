/**
 * `useCall`: a method call tied to a component: `callStore` of
 * `lifeline-ws/store` as refs.
 * @module
 */
import { toValue, watch, type MaybeRefOrGetter } from 'vue'
import type { CallOptions, Client, Contract, MethodName, ResultOf } from '../index'
import { callStore, type CallParams, type CallRequest, type CallState } from '../store/index'
import { useLifeline } from './context'
import { fieldRefs, type FieldRefs } from './fields'
import { storeRef } from './follow'

/** Options of {@link useCall}. */
export interface UseCallOptions<C extends Contract = Contract> extends Omit<CallOptions, 'signal'> {
  /** The client. @default the provided one */
  client?: Client<C>
  /** `false` holds the call back (for example until its params are known); `refetch()` still runs it. A ref or getter is followed. @default true */
  enabled?: MaybeRefOrGetter<boolean>
}

/** What {@link useCall} returns: `data`, `error` and `loading` as read-only refs, and `refetch`. */
export interface CallRefs<R> extends FieldRefs<CallState<R>> {
  /** Calls again now (cancelling a running call). Does nothing after unmount. */
  refetch(): void
}

/**
 * Calls `method` with `params` once the component is mounted and again whenever the params
 * change (a ref, a getter or a reactive object, compared by value as JSON); returns refs of
 * `data`, `error` and `loading`, and `refetch`. A running call is aborted (its `AbortSignal`)
 * on unmount and when the params change, and its late answer never shows. A server render shows
 * `loading: true` (`false` when disabled) and calls nothing.
 * @example
 * const room = ref('lobby')
 * const { data: history, error, loading, refetch } = useCall('room.history', () => ({ room: room.value }))
 */
export function useCall<C extends Contract = Contract, K extends MethodName<C> = MethodName<C>>(
  method: K,
  params: MaybeRefOrGetter<NoInfer<CallParams<C, K>>>,
  options: UseCallOptions<C> = {},
): CallRefs<ResultOf<C, K>> {
  const client = useLifeline(options.client)
  // The options ride along as the call's options (`timeout`, `resend`; the store ignores `client`).
  const request = () => ({ ...options, method, params: toValue(params), enabled: toValue(options.enabled) }) as CallRequest<C, K>
  const store = callStore(client, request())
  // Deep: a reactive params object changed inside is a new request too (the store compares by value).
  watch(request, (next) => store.change(next), { deep: true })
  return { ...fieldRefs(storeRef(store)), refetch: () => store.refetch() }
}
