/**
 * The two built-in `queue.storage` adapters: `localStorage` and IndexedDB,
 * each a backend made into an adapter by persistOutbox (persist.ts). Separate
 * exports, left out of bundles that don't import them.
 * @module
 */
import type { HostIndexedDb, HostStorage } from '../host'
import { persistOutbox, validStoredFrame as valid, type QueueStorage, type StoredFrame } from './persist'


const missing = (api: string) => new Error(`lifeline: ${api} is not available`)
/** @internal */
export const corrupt = (where: string) => new Error(`lifeline: outbox data in ${where} was corrupt and has been cleared`)

/** Bytes as base64, in chunks (a spread of a large frame would overflow the call stack). */
const toBase64 = (bytes: Uint8Array): string => {
  let text = ''
  for (let start = 0; start < bytes.length; start += 0x8000) text += String.fromCharCode(...bytes.subarray(start, start + 0x8000))
  return btoa(text)
}

/**
 * Reads `at,frame`, or `at;position;session,frame` for a frame written on a session, with a `~` after
 * `at` for a binary frame kept as base64; anything else comes out invalid (NaN) and the load reports
 * corrupt data. @internal
 */
export const parse = (id: number, value: string): StoredFrame => {
  const fields = /^(\d+)(~)?(?:;(\d+);([^,;]*))?,/.exec(value)
  if (!fields) return { id, at: NaN, frame: '' }
  const [prefix, at, binary, position, session] = fields
  const text = value.slice(prefix.length)
  let frame: StoredFrame['frame'] = text
  try {
    if (binary) frame = Uint8Array.from(atob(text), (char) => char.charCodeAt(0))
  } catch {
    return { id, at: NaN, frame: '' }
  }
  return {
    id,
    at: +at!,
    position: position === undefined ? undefined : +position,
    session: session === undefined ? undefined : decodeURIComponent(session),
    frame,
  }
}

/**
 * The stored form of a frame: `at,frame` rather than JSON, since a JSON frame would pay for its escapes
 * twice against the quota; bytes as base64 (a third bigger), marked `~`. A `Blob` cannot be read
 * synchronously, so a text store refuses it (the outbox then reports the error and keeps frames in
 * memory): keep Blobs with indexedDbOutbox. @internal
 */
export const format = ({ at, frame, position, session }: StoredFrame): string => {
  let text: string
  let mark = ''
  if (typeof frame === 'string') text = frame
  else if (frame instanceof Uint8Array) {
    text = toBase64(frame)
    mark = '~'
  } else throw new TypeError('lifeline: a text storage cannot keep a Blob: use indexedDbOutbox')
  return position === undefined ? `${at}${mark},${text}` : `${at}${mark};${position};${encodeURIComponent(session ?? '')},${text}`
}

/**
 * Keeps queued frames in `localStorage`, one item per frame under `key:id`
 * (so adding a frame never rewrites the others). Binary frames are kept as
 * base64; a `Blob` is refused with an `error` event (frames stay in memory
 * from then on): use {@link indexedDbOutbox} for those. Storage is looked up at
 * first use: where it is missing or blocked, or full, the outbox reports an
 * `error` event and keeps frames in memory. Give each tab its own key if two
 * tabs must not both send the same frames.
 * @param key Prefix of the item names. @default none (required)
 * @param storage The `Storage` to use. @default globalThis.localStorage
 * @example
 * createClient(url, { queue: { storage: localStorageOutbox('chat-outbox') } })
 */
export function localStorageOutbox(key: string, storage?: HostStorage): QueueStorage {
  const prefix = key + ':'
  const get = () => {
    const found = storage ?? globalThis.localStorage
    if (!found) throw missing('localStorage')
    return found
  }
  return persistOutbox({
    load() {
      const store = get()
      const names: string[] = []
      const frames: StoredFrame[] = []
      for (let index = 0; index < store.length; index++) {
        const name = store.key(index) ?? ''
        const id = name.slice(prefix.length)
        // `key:1:2` belongs to an outbox keyed `key:1`, not to this one.
        if (!name.startsWith(prefix) || !/^\d+$/.test(id)) continue
        names.push(name)
        frames.push(parse(+id, store.getItem(name) ?? ''))
      }
      if (!frames.every(valid)) {
        names.forEach((name) => store.removeItem(name))
        throw corrupt(`localStorage "${key}"`)
      }
      return frames.sort((a, b) => a.id - b.id)
    },
    add: (stored) => get().setItem(prefix + stored.id, format(stored)),
    remove(ids) {
      const store = get()
      for (const id of ids) store.removeItem(prefix + id)
    },
  })
}

/**
 * Keeps queued frames in an IndexedDB database of their own (one object
 * store, `frames`); binary frames (bytes and `Blob`s) as they are. Opened at first use: where IndexedDB is missing or
 * refuses (some private modes), the outbox reports an `error` event and keeps
 * frames in memory.
 * @param name The database name; one per outbox. @default none (required)
 * @param factory The `IDBFactory` to use. @default globalThis.indexedDB
 * @example
 * createClient(url, { queue: { storage: indexedDbOutbox('chat-outbox') } })
 */
export function indexedDbOutbox(name: string, factory?: HostIndexedDb): QueueStorage {
  let db: Promise<IDBDatabase> | undefined
  const done = <T>(request: IDBRequest<T>) => new Promise<T>((resolve, reject) => {
    request.onsuccess = () => resolve(request.result)
    request.onerror = () => reject(request.error)
  })
  // One transaction on the store; settles once it has committed, with the request's result.
  const run = async <T>(mode: IDBTransactionMode, fn: (store: IDBObjectStore) => IDBRequest<T> | void) => {
    db ??= (async () => {
      const idb = factory ?? globalThis.indexedDB
      if (!idb) throw missing('IndexedDB')
      const open = idb.open(name, 1)
      open.onupgradeneeded = () => open.result.createObjectStore('frames', { keyPath: 'id' })
      const conn = await done(open)
      // Don't block another tab that deletes or upgrades the database.
      conn.onversionchange = () => conn.close()
      return conn
    })()
    const tx = (await db).transaction('frames', mode)
    const request = fn(tx.objectStore('frames'))
    await new Promise((resolve, reject) => {
      tx.oncomplete = resolve
      tx.onerror = tx.onabort = () => reject(tx.error ?? new Error('lifeline: IndexedDB transaction aborted'))
    })
    return request?.result
  }
  return persistOutbox({
    async load() {
      const frames = (await run('readonly', (store) => store.getAll() as IDBRequest<StoredFrame[]>)) ?? []
      if (frames.every(valid)) return frames
      await run('readwrite', (store) => void store.clear())
      throw corrupt(`IndexedDB "${name}"`)
    },
    async add(frame) {
      await run('readwrite', (store) => void store.put(frame))
    },
    async remove(ids) {
      await run('readwrite', (store) => ids.forEach((id) => store.delete(id)))
    },
  })
}
