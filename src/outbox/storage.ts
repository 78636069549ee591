/**
 * Persistence for the outbox, so frames queued offline survive a page reload:
 * the {@link OutboxStorage} interface and two adapters. The adapters are
 * separate exports, left out of bundles that don't import them.
 * @module
 */

/** One persisted frame. `id` grows with every frame stored, so order survives a reload. */
export interface StoredFrame {
  id: number
  frame: string
  /** When it was queued (ms since epoch), for `ttl`. */
  at: number
}

/**
 * Where queued text frames are kept across reloads. Methods may be sync or
 * async; a throw or rejection makes the outbox report one `error` event and
 * keep frames in memory only from then on. Calls arrive in order, and an async
 * adapter must apply them in that order.
 * @example
 * const storage: OutboxStorage = {
 *   load: () => JSON.parse(sessionStorage.q ?? '[]'),
 *   add: (f) => { ... }, remove: (ids) => { ... },
 * }
 */
export interface OutboxStorage {
  /** Every stored frame, oldest first. Throw (after clearing it) when the data is corrupt. */
  load(): StoredFrame[] | Promise<StoredFrame[]>
  /** Store one more frame. */
  add(frame: StoredFrame): void | Promise<void>
  /** Forget frames: they were written to an open socket, expired, or were dropped. Unknown ids are ignored. */
  remove(ids: readonly number[]): void | Promise<void>
}

const valid = (f: StoredFrame | null) => Number.isSafeInteger(f?.id) && typeof f?.frame == 'string' && Number.isFinite(f.at)
const missing = (api: string) => new Error(`lifeline: ${api} is not available`)
const corrupt = (where: string) => new Error(`lifeline: outbox data in ${where} was corrupt and has been cleared`)

/**
 * Keeps queued frames in `localStorage`, one item per frame under `key:id`
 * (so adding a frame never rewrites the others). Storage is looked up at
 * first use: where it is missing or blocked, or full, the outbox reports an
 * `error` event and keeps frames in memory. Give each tab its own key if two
 * tabs must not both send the same frames.
 * @param key Prefix of the item names. @default none (required)
 * @param storage The `Storage` to use. @default globalThis.localStorage
 * @example
 * createClient(url, { queue: { storage: localStorageOutbox('chat-outbox') } })
 */
export function localStorageOutbox(key: string, storage?: Storage): OutboxStorage {
  const prefix = key + ':'
  const get = () => {
    const s = storage ?? globalThis.localStorage
    if (!s) throw missing('localStorage')
    return s
  }
  return {
    load() {
      const s = get()
      const names: string[] = []
      const frames: StoredFrame[] = []
      for (let i = 0; i < s.length; i++) {
        const name = s.key(i) ?? ''
        const id = name.slice(prefix.length)
        // `key:1:2` belongs to an outbox keyed `key:1`, not to this one.
        if (!name.startsWith(prefix) || !/^\d+$/.test(id)) continue
        const value = s.getItem(name) ?? ''
        const comma = value.indexOf(',')
        names.push(name)
        frames.push({ id: +id, at: comma > 0 ? +value.slice(0, comma) : NaN, frame: value.slice(comma + 1) })
      }
      if (!frames.every(valid)) {
        names.forEach((name) => s.removeItem(name))
        throw corrupt(`localStorage "${key}"`)
      }
      return frames.sort((a, b) => a.id - b.id)
    },
    // `at,frame` rather than JSON: a JSON frame would pay for its escapes twice against the quota.
    add: ({ id, at, frame }) => get().setItem(prefix + id, at + ',' + frame),
    remove(ids) {
      const s = get()
      for (const id of ids) s.removeItem(prefix + id)
    },
  }
}

/**
 * Keeps queued frames in an IndexedDB database of their own (one object
 * store, `frames`). Opened at first use: where IndexedDB is missing or
 * refuses (some private modes), the outbox reports an `error` event and keeps
 * frames in memory.
 * @param name The database name; one per outbox. @default none (required)
 * @param factory The `IDBFactory` to use. @default globalThis.indexedDB
 * @example
 * createClient(url, { queue: { storage: indexedDbOutbox('chat-outbox') } })
 */
export function indexedDbOutbox(name: string, factory?: IDBFactory): OutboxStorage {
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
  return {
    async load() {
      const frames = (await run('readonly', (s) => s.getAll() as IDBRequest<StoredFrame[]>)) ?? []
      if (frames.every(valid)) return frames
      await run('readwrite', (s) => void s.clear())
      throw corrupt(`IndexedDB "${name}"`)
    },
    async add(frame) {
      await run('readwrite', (s) => void s.put(frame))
    },
    async remove(ids) {
      await run('readwrite', (s) => ids.forEach((id) => s.delete(id)))
    },
  }
}
