/**
 * The outbox on React Native's AsyncStorage: a `queue.storage` adapter made by `persistOutbox`, in the
 * same one-item-per-frame format as `localStorageOutbox`.
 * @module
 */
import { persistOutbox, type QueueStorage, type StoredFrame } from '../index'
import { corrupt, format, parse } from '../socket/storage'
import { validStoredFrame } from '../socket/persist'
import type { AsyncStorageLike } from './types'

/**
 * Keeps queued frames in AsyncStorage, one item per frame under `key:id`, so that frames queued
 * while offline are sent after the app restarts. AsyncStorage is asynchronous and does not promise
 * to apply calls in order, so this adapter runs them one at a time, in the order the outbox made
 * them (a frame removed right after it was stored must not come back). A failing call makes the
 * outbox report one `error` event and keep frames in memory from then on.
 * @param storage `AsyncStorage`, the default export of `@react-native-async-storage/async-storage`
 *   (v1, v2 or v3; a v3 `createAsyncStorage(name)` instance works too).
 * @param key Prefix of the item names; one per outbox. @default none (required)
 * @example
 * import AsyncStorage from '@react-native-async-storage/async-storage'
 * createClient(url, { ...reactNative({ AppState }), queue: { storage: asyncStorageOutbox(AsyncStorage, 'chat-outbox') } })
 */
export function asyncStorageOutbox(storage: AsyncStorageLike, key: string): QueueStorage {
  if (typeof storage?.getAllKeys !== 'function') throw new TypeError('lifeline-ws/react-native: asyncStorageOutbox needs AsyncStorage (getItem, setItem, removeItem, getAllKeys)')
  if (typeof key !== 'string' || !key) throw new TypeError('lifeline-ws/react-native: asyncStorageOutbox needs a key')
  const prefix = key + ':'
  let previous: Promise<unknown> = Promise.resolve()
  /** Runs `task` after every call made before it has settled. */
  const inOrder = <T>(task: () => Promise<T>): Promise<T> => {
    const result = previous.then(task, task)
    previous = result.catch(() => undefined)
    return result
  }
  return persistOutbox({
    load: () => inOrder(async () => {
      // `key:1:2` belongs to an outbox keyed `key:1`, not to this one.
      const names = (await storage.getAllKeys()).filter((name) => name.startsWith(prefix) && /^\d+$/.test(name.slice(prefix.length)))
      const frames: StoredFrame[] = await Promise.all(names.map(async (name) => parse(+name.slice(prefix.length), (await storage.getItem(name)) ?? '')))
      if (!frames.every(validStoredFrame)) {
        await Promise.all(names.map((name) => storage.removeItem(name)))
        throw corrupt(`AsyncStorage "${key}"`)
      }
      return frames.sort((a, b) => a.id - b.id)
    }),
    add: (frame) => inOrder(() => storage.setItem(prefix + frame.id, format(frame))),
    remove: (ids) => inOrder(async () => {
      await Promise.all(ids.map((id) => storage.removeItem(prefix + id)))
    }),
  })
}
