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
  /** Socket open: flush in order, and keep flushing as its buffer drains. */
  attach(writer: Writer): void
  /** Socket gone. */
  detach(): void
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

/** UTF-8 length without encoding: a surrogate pair counts 2 + 2. */
const utf8 = (s: string) => {
  let n = s.length
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c > 127) n += c > 2047 && (c < 0xd800 || c > 0xdfff) ? 2 : 1
  }
  return n
}

const sizeOf = (f: Frame) => typeof f == 'string' ? utf8(f) : (f as ArrayBuffer).byteLength ?? (f as Blob).size

/**
 * The client's outbox. With `options.storage` it loads at once, and writes
 * nothing until that load has ended. See docs/offline-queue.md. @internal
 */
export function createOutbox(options: Exclude<Resolved['queue'], false>, clock: Clock, hooks: OutboxHooks): Outbox {
  const { maxMessages, maxBytes, ttl, overflow, storage, onClose } = options
  const expiry = createTimer(clock)
  const poll = createTimer(clock)
  // Queued calls by id, for remove(); `undefined` is never a key, so deleting it is a no-op.
  const calls = new Map<Id | undefined, Entry>()
  // A head-index FIFO: dead entries stay in `q` until they are half of it.
  let q: Entry[] = []
  let head = 0
  let count = 0
  let bytes = 0
  let lastKey = 0
  let writer: Writer | undefined
  let loading = !!storage
  let failed = false
  let closed = false

  const fail = (err: unknown) => {
    if (!failed) hooks.error(err)
    failed = true
  }
  // A sync throw and a rejection both end in fail(). Removes still run after a
  // failure, so frames already stored are not sent again after a reload.
  const use = (fn: (s: OutboxStorage) => unknown) => {
    if (storage) (async () => fn(storage))().catch(fail)
  }
  const unstore = (entries: Entry[]) => {
    const keys = entries.flatMap((e) => e.key ?? [])
    if (keys.length) use((s) => s.remove(keys))
  }
  const store = (e: Entry) => {
    const { frame, persist } = e.item
    if (persist && typeof frame == 'string' && !failed) use((s) => s.add({ id: (e.key = ++lastKey), frame, at: e.at }))
  }
  const first = () => {
    while (q[head]?.dead) head++
    return q[head]
  }
  const kill = (e: Entry) => {
    e.dead = true
    count--
    bytes -= e.bytes
    calls.delete(e.item.call)
    // Compacting only once garbage is half the array keeps every operation amortised O(1).
    if (q.length > 2 * count) {
      q = q.filter((e) => !e.dead)
      head = 0
    }
    return e
  }
  const take = () => kill(first()!)
  const drop = (out: Entry[], reason: DropReason) => {
    if (!out.length) return
    if (reason != 'closed' || onClose == 'discard') unstore(out)
    hooks.drop(out.map((e) => e.item), reason)
  }
  /** Drops from the head until `keep` says stop, or the queue is empty. */
  const drain = (keep: (e: Entry) => boolean, reason: DropReason) => {
    const out: Entry[] = []
    for (let e; (e = first()) && !keep(e);) out.push(take())
    drop(out, reason)
  }
  const fits = () => count <= maxMessages && bytes <= maxBytes
  const arm = () => {
    const e = first()
    if (e && ttl < Infinity && !expiry.pending) expiry.set(e.at + ttl - clock.now(), expire)
  }
  // The timer follows the head only; an early wake after the head left just re-arms.
  const expire = () => {
    drain((e) => e.at + ttl > clock.now(), 'expired')
    arm()
  }
  const flush = () => {
    if (loading) return
    const out: Entry[] = []
    for (let e; writer && (e = first()) && writer.ready();) {
      writer.write(e.item)
      out.push(kill(e))
    }
    unstore(out)
    if (writer && count && !poll.pending) poll.set(DRAIN_POLL, flush)
    arm()
  }
  const close = () => {
    closed = true
    if (onClose == 'flush') flush()
    writer = undefined
    poll.clear()
    expiry.clear()
    drain(() => false, 'closed')
  }

  const enqueue = (e: Entry) => {
    q.push(e)
    count++
    bytes += e.bytes
    if (e.item.call !== undefined) calls.set(e.item.call, e)
    if (!loading) store(e)
  }

  if (storage) {
    (async () => storage.load())().then((stored) => {
      // Stored frames go before those queued meanwhile, which are stored only now (after the
      // stored ids, which `load` returns oldest first). Loaded items lack `persist`: already stored.
      const all = [
        ...stored.map(({ id, frame, at }) => ({ item: { frame }, bytes: sizeOf(frame), at, key: (lastKey = id) })),
        ...q.filter((e) => !e.dead),
      ]
      q = []
      head = count = bytes = 0
      loading = false
      all.forEach(enqueue)
    }).catch(fail).then(() => {
      loading = false
      if (closed) close()
      expire()
      // Together they may not fit: oldest go first, whatever the policy.
      drain(fits, 'overflow')
      flush()
    })
  }

  return {
    get size() {
      return count
    },
    push(item) {
      if (writer && !loading && !count && writer.ready()) {
        writer.write(item)
        return 'sent'
      }
      const e: Entry = { item, bytes: sizeOf(item.frame), at: clock.now() }
      if (count >= maxMessages || bytes + e.bytes > maxBytes) {
        if (overflow == 'error') throw new QueueFullError('lifeline: queue full')
        // A frame bigger than maxBytes on its own could never fit: it goes, the queue stays.
        if (overflow == 'drop-newest' || e.bytes > maxBytes) {
          drop([e], 'overflow')
          return 'dropped'
        }
      }
      enqueue(e)
      // After queueing, so a drop listener that sends lands behind this frame.
      drain(fits, 'overflow')
      flush()
      return 'queued'
    },
    attach(w) {
      writer = w
      flush()
    },
    detach() {
      writer = undefined
      poll.clear()
    },
    remove(call) {
      const e = calls.get(call)
      if (e) kill(e)
    },
    close,
  }
}
