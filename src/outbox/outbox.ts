/**
 * The outbox: a bounded FIFO of frames waiting for an open socket with room
 * in its send buffer. Semantics, bounds and guarantees: docs/offline-queue.md.
 * @module
 */
import { QueueFullError } from '../errors'
import { createTimer, type Clock } from '../timers'
import type { Resolved } from '../options'
import type { Id } from '../protocol/protocol'
import type { OutboxStorage } from './storage'

/** What `WebSocket.send` accepts. @internal */
export type Frame = string | ArrayBufferLike | ArrayBufferView | Blob

/** One queued frame; `call` marks a request whose promise waits on it. @internal */
export interface OutboxItem {
  frame: Frame
  call?: Id
  /** Keep a copy in `queue.storage` until written (text frames only). */
  persist?: boolean
}

/** The open socket, as the outbox sees it. `write` must not throw. @internal */
export interface Writer {
  /** Open, and `bufferedAmount` at or under `highWaterMark`. */
  ready(): boolean
  write(item: OutboxItem): void
}

/** @internal */
export type DropReason = 'overflow' | 'expired' | 'closed'

/** @internal */
export interface Outbox {
  /** Frames queued (removed calls not counted). */
  readonly size: number
  /** Writes at once when attached, empty and ready; else queues. Throws QueueFullError under overflow 'error'. */
  push(item: OutboxItem): 'sent' | 'queued' | 'dropped'
  /**
   * Socket open: flush in order, and keep flushing as its buffer drains. With `hold`, what it
   * writes is held until `confirm()`; only worth it when the client can make the server speak.
   */
  attach(writer: Writer, hold?: boolean): void
  /**
   * Socket gone. `refused`: the server turned the socket away (4401/4403), so the frames
   * held for it go back to the head of the queue, in order; otherwise they are let go.
   */
  detach(refused?: boolean): void
  /** The server sent its first frame on this socket: what was written to it is no longer held. */
  confirm(): void
  /** Frames written to the current socket and held until `confirm()` (calls are never held). */
  readonly held: number
  /** A queued call timed out or was aborted: never write it. */
  remove(call: Id): void
  /** Final; applies `onClose`. */
  close(): void
}

/** @internal */
export interface OutboxHooks {
  drop(items: OutboxItem[], reason: DropReason): void
  /** A storage failure; reported once, after which the outbox keeps frames in memory only. */
  error(err: unknown): void
}

/**
 * How often (ms) a full socket buffer is checked again: a browser WebSocket
 * has no 'drain' event. Short enough to keep a stream moving, long enough to
 * cost nothing while a slow link drains. @internal
 */
export const DRAIN_POLL = 40

interface Entry {
  item: OutboxItem
  bytes: number
  at: number
  /** Its id in storage, once stored. */
  key?: number
  /** Written, dropped or removed; compacted away later. */
  dead?: boolean
}

const utf8 = new TextEncoder()
/** What a frame counts against `maxBytes`: UTF-8 length of text, else `byteLength` or `size`. */
const sizeOf = (frame: Frame) =>
  typeof frame == 'string' ? utf8.encode(frame).length : (frame as ArrayBuffer).byteLength ?? (frame as Blob).size

/**
 * The client's outbox. With `options.storage` it loads at once, and writes
 * nothing until that load has ended. See docs/offline-queue.md. @internal
 */
export function createOutbox(options: Exclude<Resolved['queue'], false>, clock: Clock, hooks: OutboxHooks): Outbox {
  const { maxMessages, maxBytes, ttl, overflow, storage, onClose } = options
  // One timer: the head's expiry, or the drain poll while a socket is attached.
  const timer = createTimer(clock)
  // Queued entries by call id, for remove(); the `undefined` key (plain frames) is never looked up.
  const calls = new Map<Id | undefined, Entry>()
  // A head-index FIFO whose head entry is always live; dead entries stay in `q` until they are half of it.
  let q: Entry[] = []
  let head = 0
  let count = 0
  let bytes = 0
  let lastKey = 0
  let writer: Writer | undefined
  // Written to a socket the server has not spoken on yet: a server that refuses a socket
  // (4401/4403) accepts the upgrade first, and reads nothing sent before its close.
  let held: Entry[] = []
  let heldBytes = 0
  let holding = false
  let loading = !!storage
  let failed = false
  let closed = false

  // A sync throw and a rejection both end here: one error event, then memory only.
  // Removes still run after a failure, so frames already stored are not sent again after a reload.
  const use = (run: (s: OutboxStorage) => unknown) =>
    storage && (async () => run(storage))().catch((err) => {
      if (!failed) hooks.error(err)
      failed = true
    })
  const kill = (e: Entry) => {
    e.dead = true
    count--
    bytes -= e.bytes
    calls.delete(e.item.call)
    while (q[head]?.dead) head++
    // Compacting only once garbage is half the array keeps every operation amortised O(1).
    if (q.length > 2 * count) {
      q = q.filter((e) => !e.dead)
      head = 0
    }
  }
  // Stored copies stay until the frame is let go, so a refusal can still put it back.
  const release = () => {
    const keys = held.flatMap((e) => e.key ?? [])
    if (keys.length) use((s) => s.remove(keys))
    held = []
    heldBytes = 0
  }
  /** Keeps a written frame until the server speaks; a full queue's worth without a word ends the holding. */
  const hold = (e: Entry) => {
    held.push(e)
    heldBytes += e.bytes
    if (held.length > maxMessages || heldBytes > maxBytes) {
      holding = false
      release()
    }
  }
  /** Takes entries from the head until `stop`: writes them, or with a `reason` drops them. */
  const take = (stop: (e: Entry) => unknown, reason?: DropReason) => {
    const items: OutboxItem[] = []
    const keys: number[] = []
    for (let e; (e = q[head]) && !stop(e);) {
      kill(e)
      items.push(e.item)
      if (!reason) writer!.write(e.item)
      // A call is never held: its promise has its own rules for a lost socket.
      if (!reason && holding && e.item.call == undefined) hold(e)
      else if (e.key) keys.push(e.key)
    }
    // A 'flush' close keeps the stored copies for the next page.
    if (keys.length && (reason != 'closed' || onClose == 'discard')) use((s) => s.remove(keys))
    if (reason && items.length) hooks.drop(items, reason)
  }
  const flush = () => {
    take((e) => e.at + ttl > clock.now(), 'expired')
    // Only after a load can the queue be over its bounds here: oldest go first, whatever the policy.
    take(() => count <= maxMessages && bytes <= maxBytes, 'overflow')
    // Nothing is written until the load has ended.
    take(() => loading || !writer?.ready())
    // Attached, it polls (expiry is checked then too); detached, it waits for the head's expiry.
    // An early wake (the head left meanwhile) just re-arms; attach and detach reset it.
    const e = q[head]
    if (e && !timer.pending && (writer || ttl < Infinity)) timer.set(writer ? DRAIN_POLL : e.at + ttl - clock.now(), flush)
  }
  const attach = (w?: Writer, hold?: boolean) => {
    release()
    holding = !!hold
    writer = w
    timer.clear()
    flush()
  }
  const close = () => {
    closed = true
    if (onClose == 'flush') flush()
    take(() => false, 'closed')
    attach()
  }
  const entryOf = (item: OutboxItem): Entry => ({ item, bytes: sizeOf(item.frame), at: clock.now() })
  const enqueue = (e: Entry) => {
    const { frame, call, persist } = e.item
    q.push(e)
    count++
    bytes += e.bytes
    calls.set(call, e)
    if (persist && typeof frame == 'string' && !loading && !failed) use((s) => s.add({ id: (e.key = ++lastKey), frame, at: e.at }))
  }

  use(async (s) => {
    // Stored frames go before those queued meanwhile, which are stored only now (after the
    // stored ids, which `load` returns oldest first). Loaded items lack `persist`: already stored.
    const all = [
      ...(await s.load()).map(({ id, frame, at }) => ({ item: { frame }, bytes: sizeOf(frame), at, key: (lastKey = id) })),
      ...q.filter((e) => !e.dead),
    ]
    q = []
    head = count = bytes = 0
    loading = false
    all.forEach(enqueue)
  })?.then(() => {
    loading = false
    if (closed) close()
    else flush()
  })

  return {
    get size() {
      return count
    },
    push(item) {
      if (writer && !loading && !count && writer.ready()) {
        writer.write(item)
        if (holding && item.call == undefined) hold(entryOf(item))
        return 'sent'
      }
      const e = entryOf(item)
      if (count >= maxMessages || bytes + e.bytes > maxBytes) {
        if (overflow == 'error') throw new QueueFullError('lifeline: queue full')
        // A frame bigger than maxBytes on its own could never fit: it goes, the queue stays.
        if (overflow == 'drop-newest' || e.bytes > maxBytes) {
          hooks.drop([item], 'overflow')
          return 'dropped'
        }
      }
      // Queued before the overflow drops, so a drop listener that sends lands behind it.
      enqueue(e)
      flush()
      return 'queued'
    },
    attach,
    detach(refused) {
      if (refused && held.length) {
        for (const e of held) {
          e.dead = false
          count++
          bytes += e.bytes
        }
        q = [...held, ...q.slice(head)]
        head = 0
        held = []
      }
      attach()
    },
    confirm() {
      if (holding) {
        holding = false
        release()
      }
    },
    get held() {
      return held.length
    },
    remove(call) {
      const e = calls.get(call)
      if (e) kill(e)
    },
    close,
  }
}
