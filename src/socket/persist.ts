/**
 * Persistence for the outbox, so frames queued offline survive a page reload:
 * what `queue.storage` takes ({@link QueueStorage}), made from a storage
 * backend ({@link OutboxStorage}) by {@link persistOutbox}. Only apps that
 * persist import this module (through the adapters of storage.ts, or
 * `persistOutbox` itself): the outbox only calls the hooks it returns.
 * @module
 */
import type { HostBlob } from '../host'
import { sizeOf } from './frame-size'
import type { Entry, Frame, Persistence } from './outbox-types'

/**
 * One persisted frame. `id` grows with every frame stored, so order survives a reload. `frame` is text,
 * or bytes (an `ArrayBuffer` or any view is stored as a `Uint8Array` of its bytes), or a `Blob`.
 */
export interface StoredFrame {
  id: number
  frame: string | Uint8Array | HostBlob
  /** When it was queued (ms since epoch), for `ttl`. */
  at: number
  /** Its position in `session` once written on one, so that a reload can drop what the server already had. */
  position?: number | undefined
  /** The session `position` belongs to. */
  session?: string | undefined
}

/**
 * Where queued frames (text and binary, see {@link StoredFrame}) are kept across reloads: a backend
 * for {@link persistOutbox}. Methods may be sync or async; a throw or rejection makes the outbox report one `error` event and keep frames in
 * memory only from then on. Calls arrive in order, and an async backend must apply them in that order.
 * @example
 * const backend: OutboxStorage = {
 *   load: () => JSON.parse(sessionStorage.q ?? '[]'),
 *   add: (f) => { ... }, remove: (ids) => { ... },
 * }
 */
export interface OutboxStorage {
  /** Every stored frame, oldest first. Throw (after clearing it) when the data is corrupt. */
  load(): StoredFrame[] | Promise<StoredFrame[]>
  /** Store a frame, or replace the one with the same id (it was written: it now has a position). */
  add(frame: StoredFrame): void | Promise<void>
  /** Forget frames: they were written to an open socket, expired, or were dropped. Unknown ids are ignored. */
  remove(ids: readonly number[]): void | Promise<void>
}

/**
 * What `queue.storage` takes: a storage backend with the outbox's persistence attached. Made by
 * `localStorageOutbox`, `indexedDbOutbox`, or {@link persistOutbox} for a backend of your own.
 * @example
 * createSocket(url, { queue: { storage: persistOutbox(myBackend) } })
 */
export interface QueueStorage {
  /** The backend it stores in. @internal */
  readonly backend: OutboxStorage
  /** Starts persisting for one outbox; `report` gets the first storage failure. @internal */
  open(report: (err: unknown) => void): Persistence
}

const isBlob = (value: unknown): value is HostBlob => typeof Blob !== 'undefined' && value instanceof Blob

/**
 * A frame as it is stored: text as it is, the bytes of an `ArrayBuffer` or a view copied into a
 * `Uint8Array` (a view's own bytes only: storing the view would clone its whole buffer), a `Blob` as it is.
 */
const storable = (frame: Frame): StoredFrame['frame'] => {
  if (typeof frame === 'string' || isBlob(frame)) return frame
  if (ArrayBuffer.isView(frame)) return new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength).slice()
  return new Uint8Array(frame as ArrayBufferLike).slice()
}

/** Storage contents are input like any other: checked in every build. @internal */
export const validStoredFrame = (stored: StoredFrame | null): boolean =>
  !!stored &&
  Number.isSafeInteger(stored.id) &&
  (typeof stored.frame === 'string' || stored.frame instanceof Uint8Array || isBlob(stored.frame)) &&
  Number.isFinite(stored.at) &&
  (stored.position === undefined || Number.isSafeInteger(stored.position)) &&
  (stored.session === undefined || typeof stored.session === 'string')

/**
 * Makes a `queue.storage` adapter of a storage backend of your own; the built-in
 * `localStorageOutbox` and `indexedDbOutbox` are made with it. Each outbox that opens it keeps its own
 * ids and failure state.
 * @param backend where the frames go (`load`, `add`, `remove`).
 * @example
 * const backend: OutboxStorage = { load: () => [], add: (frame) => save(frame), remove: (ids) => forget(ids) }
 * createSocket('wss://feed.example.com/ws', { queue: { storage: persistOutbox(backend) } })
 */
export function persistOutbox(backend: OutboxStorage): QueueStorage {
  return { backend, open: (report) => persistence(backend, report) }
}

/** The hooks of one outbox over `backend`: ids, the failure latch, and what each stored copy holds. */
function persistence(backend: OutboxStorage, report: (err: unknown) => void): Persistence {
  let lastKey = 0
  let failed = false

  // A sync throw and a rejection both end here: one error event, then memory only.
  // Removes still run after a failure, so frames already stored are not sent again after a reload.
  const use = <T>(run: () => T | Promise<T>) =>
    (async () => run())().catch((err: unknown) => {
      if (!failed) report(err)
      failed = true
      return undefined
    })
  /** Stores a copy of a persisted frame, text or binary (again, with its position, once written on a session). */
  const store = (entry: Entry) => {
    const { frame, persist, position, session } = entry.item
    if (!persist || failed) return
    if (entry.key === undefined) {
      lastKey++
      entry.key = lastKey
    }
    const stored: StoredFrame = { id: entry.key, frame: storable(frame), at: entry.at, position, session }
    void use(() => backend.add(stored))
  }

  const forget = (entries: Entry[]) => {
    const keys = entries.flatMap((entry) => entry.key ?? [])
    if (keys.length) void use(() => backend.remove(keys))
  }

  return {
    async load() {
      // Loaded entries keep their key: they are not stored again, only updated once written on a session.
      const loaded = await use(async () => (await backend.load()).map(({ id, frame, at, position, session }): Entry => {
        lastKey = id
        return { item: { frame, persist: true, position, session }, bytes: sizeOf(frame), at, key: id }
      }))
      return loaded ?? []
    },
    queued(entry) {
      if (entry.key === undefined) store(entry)
    },
    held(entry) {
      if (entry.item.position !== undefined) store(entry)
    },
    forget,
  }
}
