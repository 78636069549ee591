/**
 * Persistence for the outbox, so frames queued offline survive a page reload.
 * (Interface fixed here; the adapters are filled in by the outbox work.)
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
 * async; a throw or rejection makes the outbox fall back to memory with an
 * `error` event.
 * @example
 * const storage: OutboxStorage = {
 *   load: () => JSON.parse(sessionStorage.q ?? '[]'),
 *   add: (f) => { ... }, remove: (ids) => { ... },
 * }
 */
export interface OutboxStorage {
  /** Every stored frame, oldest first. */
  load(): StoredFrame[] | Promise<StoredFrame[]>
  /** Store one more frame. */
  add(frame: StoredFrame): void | Promise<void>
  /** Forget frames: they were written to an open socket, expired, or were dropped. */
  remove(ids: readonly number[]): void | Promise<void>
}
