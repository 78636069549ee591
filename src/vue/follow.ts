/**
 * Ties a store subscription to a component's life: it starts when the component is mounted
 * (never during a server render, which mounts nothing) and stops when the component's effect
 * scope ends, at unmount. Outside a component it starts at once and stops with the current
 * effect scope (a Pinia store's, an `effectScope()`), if any.
 * @module
 */
import { getCurrentInstance, getCurrentScope, onMounted, onScopeDispose, readonly, shallowRef, watch, type ShallowRef, type WatchSource } from 'vue'
import type { Readable } from '../store/index'

/** Runs `start` for as long as the component is mounted; `start` returns its stop. @internal */
export function whileMounted(start: () => () => void): void {
  let stop: (() => void) | undefined
  const begin = () => {
    stop = start()
  }
  if (getCurrentInstance()) onMounted(begin)
  else begin()
  // A component's scope ends at unmount; a server render never mounts, so there is nothing to stop.
  if (getCurrentScope()) onScopeDispose(() => stop?.())
}

/**
 * A read-only ref of a store's value while mounted. `source` may give a new store (a new topic
 * name, say): the ref then follows that one, and the old one is let go.
 * @internal
 */
export function storeRef<T>(store: Readable<T>, source?: WatchSource<Readable<T>>): Readonly<ShallowRef<T>> {
  const value = shallowRef(store.get())
  // Set while mounted.
  let stop: (() => void) | undefined
  const follow = () => {
    stop = store.subscribe((next) => {
      value.value = next
    })
  }
  if (source) {
    watch(source, (next) => {
      store = next
      value.value = next.get()
      if (stop) {
        stop()
        follow()
      }
    })
  }
  whileMounted(() => {
    follow()
    return () => {
      stop!()
      stop = undefined
    }
  })
  return readonly(value) as Readonly<ShallowRef<T>>
}
