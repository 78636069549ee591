/**
 * The outbox: a bounded FIFO of frames waiting for an open socket with room
 * in its send buffer, where a written frame can stay until the layer above
 * confirms it. Persistence (`queue.storage`, storage.ts) and the positions of
 * sessions (client/positions.ts) plug in from outside: a socket that uses
 * neither does not carry them. Semantics, bounds and guarantees: docs/offline-queue.md.
 * @module
 */
import { QueueFullError } from '../errors'
import { createTimer, type Clock } from '../timers'
import type { ResolvedQueue } from './options'
import type { AttachOptions, CallId, DropReason, Entry, Outbox, OutboxHooks, OutboxItem, Writer } from './outbox-types'
import { sizeOf } from './frame-size'

export type {
  Frame, CallId, OutboxItem, Entry, Writer, Persistence, DropReason, AttachOptions, Outbox, OutboxHooks,
} from './outbox-types'

/**
 * How often (ms) a full socket buffer is checked again: a browser WebSocket
 * has no 'drain' event. Short enough to keep a stream moving, long enough to
 * cost nothing while a slow link drains. @internal
 */
export const DRAIN_POLL = 40

/**
 * Creates an outbox. With `options.storage` it loads at once, and writes
 * nothing until that load has ended. See docs/offline-queue.md. @internal
 */
export function createOutbox(options: ResolvedQueue, clock: Clock, hooks: OutboxHooks): Outbox {
  const { maxMessages, maxBytes, ttl, overflow, onClose } = options
  const storage = options.storage?.open(hooks.error)
  // One timer: the head's expiry, or the drain poll while a socket is attached.
  const timer = createTimer(clock)
  // Queued entries by call id, for has() and remove().
  const calls = new Map<CallId, Entry>()
  // A head-index FIFO whose head entry is always live; dead entries stay until they are half of it.
  let queue: Entry[] = []
  let head = 0
  let count = 0
  let bytes = 0
  let writer: Writer | undefined
  let held: Entry[] = []
  let heldBytes = 0
  let holding = false
  let gated = false
  let loading = !!storage
  let closed = false

  /** Marks a queued entry gone; the array keeps it until {@link compact}. */
  const remove = (entry: Entry) => {
    entry.dead = true
    count--
    bytes -= entry.bytes
    if (entry.item.call !== undefined) calls.delete(entry.item.call)
    while (queue[head]?.dead) head++
  }
  // Compacting only once garbage is half the array keeps every operation amortised O(1).
  const compact = () => {
    if (queue.length <= 2 * count) return
    queue = queue.filter((live) => !live.dead)
    head = 0
  }
  const kill = (entry: Entry) => {
    remove(entry)
    compact()
  }
  /**
   * A frame written on a session before a drop or a reload, not yet acknowledged: the server may have
   * it, so neither its ttl nor the bounds may drop it as if it had not run. The session's resume
   * decides (client/positions.ts); until then it waits, like a held frame.
   */
  const inDoubt = (entry: Entry) => entry.item.position !== undefined
  /** Reports dropped entries. What a 'flush' close gives up on keeps its stored copy for the next page. */
  const dropped = (gone: Entry[], reason: DropReason) => {
    if (!gone.length) return
    const handedOn = closed && onClose === 'flush' && (reason === 'closed' || reason === 'unknown')
    if (!handedOn) storage?.forget(gone)
    hooks.drop(gone.map((entry) => entry.item), reason)
  }
  /**
   * Drops queued entries from the oldest while `due` says so, passing over those in doubt; returns the
   * entry it stopped at (for the ttl: the next to expire).
   */
  const dropWhile = (due: (entry: Entry) => boolean, reason: DropReason) => {
    const gone: Entry[] = []
    let stop: Entry | undefined
    for (let index = head; !stop && index < queue.length; index++) {
      const entry = queue[index]!
      if (entry.dead || inDoubt(entry)) continue
      if (due(entry)) {
        remove(entry)
        gone.push(entry)
      } else stop = entry
    }
    compact()
    dropped(gone, reason)
    return stop
  }
  /** Takes the queued entries `which` picks out; a reason reports them, without one they just go. */
  const takeOut = (which: (entry: Entry) => boolean, reason?: DropReason) => {
    const gone = live().filter(which)
    for (const entry of gone) remove(entry)
    compact()
    if (reason) dropped(gone, reason)
    else storage?.forget(gone)
  }
  /** Lets go of the first `howMany` held frames: their stored copies go too. */
  const release = (howMany: number) => {
    const gone = held.slice(0, howMany)
    held = held.slice(howMany)
    for (const entry of gone) heldBytes -= entry.bytes
    storage?.forget(gone)
  }
  /** A written frame: while holding it stays, else its stored copy (if any) can go. */
  const written = (entry: Entry): boolean => {
    if (!holding) return true
    held.push(entry)
    heldBytes += entry.bytes
    storage?.held(entry)
    return false
  }
  // Held frames are in memory like queued ones, so they count against maxBytes; maxMessages caps what
  // waits to be written (a burst written to an open socket is not a backlog).
  const withinBounds = () => count <= maxMessages && bytes + heldBytes <= maxBytes
  const writable = (next?: OutboxItem) => !loading && !gated && !!writer?.ready(next)
  /** Writes entries from the head while the socket takes them. */
  const take = () => {
    const gone: Entry[] = []
    for (let entry = queue[head]; entry && writable(entry.item); entry = queue[head]) {
      kill(entry)
      writer?.write(entry.item)
      if (written(entry)) gone.push(entry)
    }
    storage?.forget(gone)
  }
  const flush = () => {
    const next = dropWhile((entry) => entry.at + ttl <= clock.now(), 'expired')
    // Only after a load can the queue be over its bounds here: oldest go first, whatever the policy.
    dropWhile(() => !withinBounds(), 'overflow')
    take()
    // Attached, it polls (expiry is checked then too); detached, it waits for the next expiry (frames in
    // doubt wait for the resume, which flushes). An early wake (that one left meanwhile) just re-arms;
    // attach and detach reset it.
    if (timer.pending || !count) return
    if (writer) timer.set(DRAIN_POLL, flush)
    else if (next && ttl < Infinity) timer.set(next.at + ttl - clock.now(), flush)
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
    holding = !!mode.hold
    gated = !!mode.gate
    timer.clear()
    flush()
  }
  const close = () => {
    closed = true
    if (onClose === 'flush') flush()
    dropWhile(() => true, 'closed')
    // What is left is in doubt: the server may have run it, and no resume will say so now.
    takeOut(() => true, 'unknown')
    // The onClose policy for held frames too: under 'flush', a stored copy stays only when it carries a
    // position (written on a session): the next page resumes the session and drops those the server
    // had. Without one nothing could tell, so it goes. Without its key, forgetting passes it by.
    for (const entry of held) {
      if (onClose === 'flush' && entry.item.position !== undefined) entry.key = undefined
    }
    release(held.length)
    attach(undefined)
  }
  const enqueue = (entry: Entry) => {
    const { call } = entry.item
    queue.push(entry)
    count++
    bytes += entry.bytes
    if (call !== undefined) calls.set(call, entry)
    if (!loading) storage?.queued(entry)
  }
  const live = () => queue.slice(head).filter((entry) => !entry.dead)

  // Stored frames go before those queued meanwhile, which are stored only now (after the stored ids).
  const loaded = storage?.load().then((stored) => {
    const all = [...stored, ...live()]
    queue = []
    head = 0
    count = 0
    bytes = 0
    loading = false
    all.forEach(enqueue)
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
    loaded: loaded ?? Promise.resolve(),
    get loading() {
      return loading
    },
    get queuedCalls() {
      return calls.size
    },
    push(item, volatile = false) {
      const direct = !count && writable(item)
      // A frame written at once and not held is never kept: nothing to count, date or allocate.
      if (direct && !holding) {
        writer?.write(item)
        return 'sent'
      }
      const entry: Entry = { item, bytes: sizeOf(item.frame), at: clock.now() }
      // While holding, a written frame stays in memory until acknowledged: it must fit maxBytes.
      if (direct && heldBytes + entry.bytes <= maxBytes) {
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
    // Without a gate this is a plain flush: nothing the outbox would not write anyway.
    ungate() {
      gated = false
      flush()
    },
    ackedByPeer(covers) {
      let howMany = 0
      while (howMany < held.length && (!covers || covers(held[howMany]!.item))) howMany++
      release(howMany)
      if (!covers) holding = false
    },
    detach(requeueHeld) {
      if (requeueHeld) requeue()
      else release(held.length)
      attach(undefined)
    },
    restamp(call) {
      const entry = calls.get(call)
      if (entry) entry.at = clock.now()
    },
    hold(which) {
      // Straight back to held, in queue order, without being written again: the peer has them.
      const taken = live().filter((entry) => which(entry.item))
      for (const entry of taken) {
        remove(entry)
        written(entry)
      }
      compact()
    },
    items: () => live().map((entry) => entry.item),
    discard: (which, reason) => takeOut((entry) => which(entry.item), reason),
    get: (call) => calls.get(call)?.item,
    has: (call) => calls.has(call),
    remove(call) {
      const entry = calls.get(call)
      if (entry) kill(entry)
    },
    answered(call) {
      const queued = calls.get(call)
      if (queued) return kill(queued)
      // Held frames keep their order: taking one out leaves the others as they were.
      const index = held.findIndex((entry) => entry.item.call === call)
      if (index < 0) return
      heldBytes -= held[index]!.bytes
      held.splice(index, 1)
    },
    close,
  }
}
