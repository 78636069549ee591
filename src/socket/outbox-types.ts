/**
 * The outbox's types: the items it carries, the hooks it calls (the open socket, persistence, the
 * owner's drop and error), and the {@link Outbox} interface itself. Types only; outbox.ts builds one.
 * @module
 */
import type { HostBlob } from '../host'


/** What `WebSocket.send` accepts. */
export type Frame = string | ArrayBufferLike | ArrayBufferView | HostBlob

/** A request id, as the layer above numbers its calls. @internal */
export type CallId = number | string

/**
 * One frame the outbox carries. Every item is tracked: while holding, a written item stays until
 * acknowledged. Control frames (handshakes, acks, pings, topic requests) never enter the outbox:
 * their layer writes them to the socket itself.
 * @internal
 */
export interface OutboxItem {
  frame: Frame
  /** A request whose promise waits on it. */
  call?: CallId
  /** Keep a copy in `queue.storage` until it is let go (text frames only). */
  persist?: boolean
  /**
   * Set by a session (client/positions.ts) when the item is written: its position in the session,
   * kept with the stored copy so that a reload can tell what the server already had. A queued item
   * that carries one is *in doubt*: written on a socket that died (or by a page that reloaded) before
   * the server acknowledged it, so the server may have it. The outbox never drops such an item for
   * its `ttl` or its bounds (that would report as dropped a frame that may have run): the session's
   * next resume decides, and takes the position away from an item the server did not get.
   */
  position?: number | undefined
  /** The session `position` belongs to. */
  session?: string | undefined
}

/** One queued or held item with its bookkeeping. @internal */
export interface Entry {
  item: OutboxItem
  bytes: number
  /** When it was queued (ms, the clock's time); `ttl` counts from here. */
  at: number
  /** Its id in `queue.storage`, once stored (storage.ts owns it). */
  key?: number | undefined
  /** Written, dropped or removed; compacted away later. */
  dead?: boolean
}

/** The open socket, as the outbox sees it. `write` must not throw. @internal */
export interface Writer {
  /** Open, `bufferedAmount` at or under `highWaterMark`, and (for `next`) admitted by the layer above. */
  ready(next?: OutboxItem): boolean
  write(item: OutboxItem): void
}

/**
 * What an outbox tells its persistence (`queue.storage`; storage.ts implements it). Every method
 * returns at once: the storage work runs in the background. @internal
 */
export interface Persistence {
  /** The stored entries, oldest first; the outbox writes nothing until this settles. Never rejects. */
  load(): Promise<Entry[]>
  /** An entry entered the queue: store a copy when it asks for one. */
  queued(entry: Entry): void
  /** An entry was written and is held: its stored copy learns the position the layer above gave it. */
  held(entry: Entry): void
  /** These entries are gone for good: forget their stored copies. */
  forget(entries: Entry[]): void
}

/**
 * Why frames were dropped. `overflow` (the queue's bounds), `expired` (its `ttl`) and `closed` (a final
 * close) are frames that certainly did not reach the server from this client. `unknown`: frames written
 * on a session that the server then lost (expired, or a crash without a journal), or still in doubt at a
 * final close: they may or may not have run, and nobody can tell any more (docs/delivery.md).
 */
export type DropReason = 'overflow' | 'expired' | 'closed' | 'unknown'

/** How the outbox treats a socket it is attached to. @internal */
export interface AttachOptions {
  /** Keep every frame written until `ackedByPeer` covers it. */
  hold?: boolean
  /** Write nothing until `ungate()`: the layer above writes its handshake first and releases the flush later. */
  gate?: boolean
}

/** @internal */
export interface Outbox {
  /** Frames waiting to be written (removed calls not counted). */
  readonly size: number
  /** Frames written and held until acknowledged. They count against the bounds too. */
  readonly held: number
  /** Resolves once stored frames are loaded (at once without storage). */
  readonly loaded: Promise<void>
  /** True until stored frames are loaded. */
  readonly loading: boolean
  /** Calls waiting in the queue (not written, or put back). */
  readonly queuedCalls: number
  /**
   * Writes at once when attached, empty and ready; else queues. Throws QueueFullError under overflow 'error'.
   * `volatile`: written at once or dropped (`'dropped'`, no drop event), never queued.
   */
  push(item: OutboxItem, volatile?: boolean): 'sent' | 'queued' | 'dropped'
  /** Socket open: flush in order (unless gated), and keep flushing as its buffer drains. */
  attach(writer: Writer, options?: AttachOptions): void
  /** Gated attach only: start writing. */
  ungate(): void
  /**
   * The peer has held frames, as the layer above learned: they are let go from the oldest while `covers`
   * says so. Without `covers`, every held frame goes and holding ends on this socket: the plain rule,
   * where the server's first frame proves it accepted the socket.
   */
  ackedByPeer(covers?: (item: OutboxItem) => boolean): void
  /** Socket gone. `requeue`: held frames go back to the head of the queue, in order; otherwise they are let go. */
  detach(requeue: boolean): void
  /** The call's queued item goes out as a new frame: its `ttl` counts from now. */
  restamp(call: CallId): void
  /**
   * Moves the queued items `which` picks back to held, in order, without writing them: the peer has
   * them and has not finished them yet (a session's resume); its acknowledgement lets them go.
   */
  hold(which: (item: OutboxItem) => boolean): void
  /** The items waiting in the queue, oldest first. */
  items(): OutboxItem[]
  /**
   * Lets go of the queued items `which` picks, and forgets their stored copies. Without a `reason` the
   * peer already has them (no drop event); with one, a drop event reports them with that reason.
   */
  discard(which: (item: OutboxItem) => boolean, reason?: DropReason): void
  /** The call's queued item, while it waits in the queue (held or written items are not queued). */
  get(call: CallId): OutboxItem | undefined
  /** True while the call's frame waits in the queue. */
  has(call: CallId): boolean
  /** A queued call timed out or was aborted: never write it. */
  remove(call: CallId): void
  /**
   * The call was answered, so its frame reached the peer: it is let go wherever it is (held, or put
   * back after a drop) and never written again, even to a new session.
   */
  answered(call: CallId): void
  /** Final; applies `onClose`. */
  close(): void
}

/** @internal */
export interface OutboxHooks {
  drop(items: OutboxItem[], reason: DropReason): void
  /** A storage failure; reported once, after which the outbox keeps frames in memory only. */
  error(err: unknown): void
}
