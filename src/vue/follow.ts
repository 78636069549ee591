/**
 * Ties a store subscription to a component's life: it starts when the component is mounted
 * (never during a server render, which mounts nothing) and stops before it unmounts. Outside a
 * component it starts at once and stops with the current effect scope.
 * @module
 */
import { getCurrentInstance, getCurrentScope, onBeforeUnmount, onMounted, onScopeDispose, readonly, shallowRef, watch, type ShallowRef, type WatchSource } from 'vue'
import type { Readable } from '../store/index'

/** Runs `start` for as long as the component is mounted; `start` returns its stop. @internal */
export function whileMounted(start: () => () => void): void {
  let stop: (() => void) | undefined
  const begin = () => {
    stop = start()
  }
  const end = () => {
    stop?.()
    stop = undefined
  }
  if (getCurrentInstance()) {
    onMounted(begin)
    onBeforeUnmount(end)
    return
  }
  begin()
  if (getCurrentScope()) onScopeDispose(end)
}

/**
 * A read-only ref of a store's value while mounted. `source` may give a new store (a new topic
 * name, say): the ref then follows that one, and the old one is let go.
 * @internal
 */
export function storeRef<T>(store: Readable<T>, source?: WatchSource<Readable<T>>): Readonly<ShallowRef<T>> {
  const value = shallowRef(store.get())
  let current = store
  let mounted = false
  let stop: (() => void) | undefined
  const follow = () => {
    stop?.()
    stop = current.subscribe((next) => {
      value.value = next
    })
  }
  if (source) {
    watch(source, (next) => {
      current = next
      value.value = next.get()
      if (mounted) follow()
    })
  }
  whileMounted(() => {
    mounted = true
    follow()
    return () => {
      mounted = false
      stop?.()
      stop = undefined
    }
  })
  return readonly(value) as Readonly<ShallowRef<T>>
}
