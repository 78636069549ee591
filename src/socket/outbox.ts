/**
 * The outbox: a bounded FIFO of frames waiting for an open socket with room
 * in its send buffer, where a written frame can stay until the layer above
 * confirms it. Semantics, bounds and guarantees: docs/offline-queue.md.
 * @module
 */
import { QueueFullError } from '../errors'
import { createTimer, type Clock } from '../timers'
import type { ResolvedQueue } from './options'
import type { OutboxStorage } from './storage'

/** What `WebSocket.send` accepts. */
export type Frame = string | ArrayBufferLike | ArrayBufferView | Blob

/** A request id, as the layer above numbers its calls. @internal */
export type CallId = number | string

/**
 * One frame the outbox carries. Every item is tracked: it takes a position when written and, while
 * holding, stays until acknowledged. Control frames (handshakes, acks, pings, topic requests) never
 * enter the outbox: their layer writes them to the socket itself.
 * @internal
 */
export interface OutboxItem {
  frame: Frame
  /** A request whose promise waits on it. */
  call?: CallId
  /** Keep a copy in `queue.storage` until it is let go (text frames only). */
  persist?: boolean
}

/** The open socket, as the outbox sees it. `write` must not throw. @internal */
export interface Writer {
  /** Open, `bufferedAmount` at or under `highWaterMark`, and (for `next`) admitted by the layer above. */
  ready(next?: OutboxItem): boolean
  write(item: OutboxItem): void
}

/** Why the outbox dropped frames. */
export type DropReason = 'overflow' | 'expired' | 'closed'

/** How the outbox treats a socket it is attached to. @internal */
export interface AttachOptions {
  /** Keep every frame written until `acknowledge` covers its position. */
  hold?: boolean
  /** Write nothing until `resume()`: the layer above writes its handshake first and releases the flush later. */
  gate?: boolean
}

/** @internal */
export interface Outbox {
  /** Frames waiting to be written (removed calls not counted). */
  readonly size: number
  /** Frames written and held until acknowledged. They count against the bounds too. */
  readonly held: number
  /** The position of the last frame written: frames are numbered from 1 as they are written. */
  readonly position: number
  /**
   * The session the positions belong to; stamped on stored copies when written, so that after a reload
   * `resume` can drop what the peer already had. Set by the layer above.
   */
  session: string | undefined
  /** The session found on stored frames at load (a reload), if any. */
  readonly storedSession: string | undefined
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
  /** Socket open: flush in order (unless gated), and keep flushing as its buffer drains. Numbering restarts at 0 unless gated. */
  attach(writer: Writer, options?: AttachOptions): void
  /**
   * Gated attach only: the peer has received `received` frames of this session. Queued frames of the
   * session with positions up to it are let go, the rest are numbered from `received + 1`, then the flush starts.
   */
  resume(received: number): void
  /**
   * The peer confirmed every frame up to `position` (cumulative): held frames up to it are let go.
   * `Infinity` also ends holding on this socket: the plain rule, where the server's first frame proves
   * it accepted the socket.
   */
  acknowledge(position: number): void
  /** Socket gone. `requeue`: held frames go back to the head of the queue, in order; otherwise they are let go. */
  detach(requeue: boolean): void
  /** True while the call's frame waits in the queue (held or written frames are not queued). */
  has(call: CallId): boolean
  /** True when the call's queued frame was written before, in the current session (it was put back). */
  writtenBefore(call: CallId): boolean
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
  key?: number | undefined
  /** Its position once written (or as stored), and the session that position belongs to. */
  position?: number | undefined
  session?: string | undefined
  /** Written, dropped or removed; compacted away later. */
  dead?: boolean
}

const utf8 = new TextEncoder()
const NON_ASCII = /[^\0-\x7f]/
/** What a frame counts against `maxBytes`: UTF-8 length of text, else `byteLength` or `size`. */
const sizeOf = (frame: Frame): number => {
  // ASCII text is as many bytes as characters: encoding a copy of every frame just to count it was a
  // tenth of a browser's script time per frame sent.
  if (typeof frame === 'string') return NON_ASCII.test(frame) ? utf8.encode(frame).length : frame.length
  return (frame as ArrayBuffer).byteLength ?? (frame as Blob).size
}

/**
 * Creates an outbox. With `options.storage` it loads at once, and writes
 * nothing until that load has ended. See docs/offline-queue.md. @internal
 */
export function createOutbox(options: ResolvedQueue, clock: Clock, hooks: OutboxHooks): Outbox {
  const { maxMessages, maxBytes, ttl, overflow, storage, onClose } = options
  // One timer: the head's expiry, or the drain poll while a socket is attached.
  const timer = createTimer(clock)
  // Queued entries by call id, for has() and remove().
  const calls = new Map<CallId, Entry>()
  // A head-index FIFO whose head entry is always live; dead entries stay until they are half of it.
  let queue: Entry[] = []
  let head = 0
  let count = 0
  let bytes = 0
  let lastKey = 0
  let writer: Writer | undefined
  let held: Entry[] = []
  let heldBytes = 0
  let holding = false
  let gated = false
  let position = 0
  let session: string | undefined
  let storedSession: string | undefined
  let loading = !!storage
  let failed = false
  let closed = false

  // A sync throw and a rejection both end here: one error event, then memory only.
  // Removes still run after a failure, so frames already stored are not sent again after a reload.
  const useStorage = (run: (adapter: OutboxStorage) => unknown) =>
    storage &&
    (async () => run(storage))().catch((err: unknown) => {
      if (!failed) hooks.error(err)
      failed = true
    })
  const forget = (keys: number[]) => {
    if (keys.length) void useStorage((adapter) => adapter.remove(keys))
  }
  const kill = (entry: Entry) => {
    entry.dead = true
    count--
    bytes -= entry.bytes
    if (entry.item.call !== undefined) calls.delete(entry.item.call)
    while (queue[head]?.dead) head++
    // Compacting only once garbage is half the array keeps every operation amortised O(1).
    if (queue.length > 2 * count) {
      queue = queue.filter((live) => !live.dead)
      head = 0
    }
  }
  /** Lets go of the first `howMany` held frames: their stored copies go too. */
  const release = (howMany: number) => {
    const gone = held.slice(0, howMany)
    held = held.slice(howMany)
    for (const entry of gone) heldBytes -= entry.bytes
    forget(gone.flatMap((entry) => entry.key ?? []))
  }
  /** Stores a copy of a persisted text frame (again, with its position, once written on a session). */
  const store = (entry: Entry) => {
    const { frame, persist } = entry.item
    if (!persist || typeof frame !== 'string' || loading || failed) return
    if (!entry.key) {
      lastKey++
      entry.key = lastKey
    }
    const stored = { id: entry.key, frame, at: entry.at, position: entry.position, session: entry.session }
    void useStorage((adapter) => adapter.add(stored))
  }
  /**
   * Numbers a written frame; while holding, keeps it, and a session's stored copy learns its position.
   * Returns the storage key to forget when the frame is not held (the caller batches them).
   */
  const written = (entry: Entry): number | undefined => {
    position++
    if (!holding) return entry.key

    entry.position = position
    entry.session = session
    held.push(entry)
    heldBytes += entry.bytes
    if (session !== undefined) store(entry)
    return undefined
  }
  // Held frames are in memory like queued ones, so they count against maxBytes; maxMessages caps what
  // waits to be written (a burst written to an open socket is not a backlog, as before sessions).
  const withinBounds = () => count <= maxMessages && bytes + heldBytes <= maxBytes
  const writable = (next?: Entry) => !loading && !gated && !!writer?.ready(next?.item)
  /** Takes entries from the head until `stop`: writes them, or with a `reason` drops them. */
  const take = (stop: (entry: Entry) => boolean, reason?: DropReason) => {
    const items: OutboxItem[] = []
    const keys: number[] = []
    for (let entry = queue[head]; entry && !stop(entry); entry = queue[head]) {
      kill(entry)
      items.push(entry.item)
      let key = entry.key
      if (!reason) {
        writer?.write(entry.item)
        key = written(entry)
      }
      if (key) keys.push(key)
    }
    // A 'flush' close keeps the stored copies of dropped frames for the next page.
    if (reason !== 'closed' || onClose === 'discard') forget(keys)
    if (reason && items.length) hooks.drop(items, reason)
  }
  const flush = () => {
    take((entry) => entry.at + ttl > clock.now(), 'expired')
    // Only after a load can the queue be over its bounds here: oldest go first, whatever the policy.
    take(withinBounds, 'overflow')
    take((entry) => !writable(entry))
    // Attached, it polls (expiry is checked then too); detached, it waits for the head's expiry.
    // An early wake (the head left meanwhile) just re-arms; attach and detach reset it.
    const first = queue[head]
    if (first && !timer.pending && (writer || ttl < Infinity)) timer.set(writer ? DRAIN_POLL : first.at + ttl - clock.now(), flush)
  }
  /** Puts held frames back at the head of the queue, in order. */
  const requeue = () => {
    for (const entry of held) {
      entry.dead = false
      count++
      bytes += entry.bytes
      if (entry.item.call !== undefined) calls.set(entry.item.call, entry)
    }
    queue = [...held, ...queue.slice(head)]
    head = 0
    held = []
    heldBytes = 0
  }
  const attach = (next: Writer | undefined, mode: AttachOptions = {}) => {
    writer = next
    holding = !!(next && mode.hold)
    gated = !!(next && mode.gate)
    if (!gated) position = 0
    timer.clear()
    flush()
  }
  const close = () => {
    closed = true
    if (onClose === 'flush') flush()
    take(() => false, 'closed')
    // Frames held on a session keep their stored copies under 'flush': the next page resumes the
    // session and drops those the server had. Without a session nothing could tell, so they go.
    const keep = onClose === 'flush' ? held.filter((entry) => entry.session !== undefined) : []
    for (const entry of keep) entry.key = undefined
    release(held.length)
    attach(undefined)
  }
  const entryOf = (item: OutboxItem): Entry => ({ item, bytes: sizeOf(item.frame), at: clock.now() })
  const enqueue = (entry: Entry) => {
    const { call } = entry.item
    queue.push(entry)
    count++
    bytes += entry.bytes
    if (call !== undefined) calls.set(call, entry)
    if (!entry.key) store(entry)
  }

  const loaded = useStorage(async (adapter) => {
    // Stored frames go before those queued meanwhile, which are stored only now (after the
    // stored ids, which `load` returns oldest first). Loaded items have their key: they are not stored
    // again, only updated once written on a session.
    const stored = (await adapter.load()).map(({ id, frame, at, position: storedPosition, session: storedId }): Entry => {
      lastKey = id
      if (storedId !== undefined) storedSession = storedId
      return { item: { frame, persist: true }, bytes: sizeOf(frame), at, key: id, position: storedPosition, session: storedId }
    })
    const all = [...stored, ...queue.filter((entry) => !entry.dead)]
    queue = []
    head = 0
    count = 0
    bytes = 0
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
    get held() {
      return held.length
    },
    get position() {
      return position
    },
    get session() {
      return session
    },
    set session(id) {
      session = id
    },
    get storedSession() {
      return storedSession
    },
    loaded: loaded ?? Promise.resolve(),
    get loading() {
      return loading
    },
    get queuedCalls() {
      return calls.size
    },
    push(item, volatile = false) {
      const entry = entryOf(item)
      // While holding, a written frame stays in memory until acknowledged: it must fit maxBytes.
      const fits = !holding || heldBytes + entry.bytes <= maxBytes
      if (!count && writable(entry) && fits) {
        writer?.write(item)
        written(entry)
        return 'sent'
      }
      if (volatile) return 'dropped'
      if (count >= maxMessages || bytes + heldBytes + entry.bytes > maxBytes) {
        if (overflow === 'error') throw new QueueFullError(`lifeline: queue full (${count} frames queued, ${bytes + heldBytes} bytes with those held; overflow: 'error')`)
        // A frame bigger than maxBytes on its own could never fit, and held frames are never dropped
        // (the peer may have them): with nothing queued to make room, the new frame goes.
        if (overflow === 'drop-newest' || entry.bytes > maxBytes || !count) {
          hooks.drop([item], 'overflow')
          return 'dropped'
        }
      }
      // Queued before the overflow drops, so a drop listener that sends lands behind it.
      enqueue(entry)
      flush()
      return 'queued'
    },
    attach,
    resume(received) {
      if (!gated) return
      // The peer has these already (written before a drop or a reload): they are let go, not sent again.
      const delivered = queue.slice(head).filter((entry) =>
        !entry.dead && entry.session === session && entry.position !== undefined && entry.position <= received)
      for (const entry of delivered) kill(entry)
      forget(delivered.flatMap((entry) => entry.key ?? []))
      position = received
      gated = false
      flush()
    },
    acknowledge(upTo) {
      let howMany = 0
      while (howMany < held.length && held[howMany]!.position! <= upTo) howMany++
      release(howMany)
      if (upTo === Infinity) holding = false
    },
    detach(requeueHeld) {
      if (requeueHeld) requeue()
      else release(held.length)
      attach(undefined)
    },
    has: (call) => calls.has(call),
    writtenBefore(call) {
      const entry = calls.get(call)
      return !!entry && entry.position !== undefined && entry.session === session
    },
    remove(call) {
      const entry = calls.get(call)
      if (entry) kill(entry)
    },
    answered(call) {
      const queued = calls.get(call)
      if (queued) return kill(queued)
      // Held frames keep their order: taking one out leaves the positions of the others as they were.
      const index = held.findIndex((entry) => entry.item.call === call)
      if (index < 0) return
      heldBytes -= held[index]!.bytes
      held.splice(index, 1)
    },
    close,
  }
}
