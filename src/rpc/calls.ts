/**
 * The pending-call table: ids, timeouts, abort, and the one rule that every
 * call settles (docs/rpc.md).
 * @module
 */
import { ConnectionClosedError, RpcError, TimeoutError } from '../errors'
import type { Id, Message } from '../protocol/protocol'
import { createTimer, type Clock, type Timer } from '../timers'
import type { Frame, OutboxItem } from '../outbox/outbox'

/** Per-call options of {@link Calls.add}. @internal */
export interface AddOptions {
  /** ms; `Infinity` (or anything a timer cannot hold, 2^31 ms and up) means none. */
  timeout: number
  signal?: AbortSignal | undefined
  /** Safe to send again after a reconnect. */
  resend: boolean
  frame: Frame
}

/** @internal */
export interface Calls {
  readonly size: number
  /** The next id: numbers, unique per client. */
  id(): number
  add(id: number, options: AddOptions): Promise<unknown>
  /** The call's frame was written to the current socket. */
  sent(id: Id): void
  /**
   * Settles a call from a response or error message. True when the id is one
   * of ours, including a late reply to a call already given up on; false for
   * an id this client never issued (and for `id: null`), which the client reports.
   */
  settle(message: Extract<Message, { type: 'response' | 'error' }>): boolean
  /** The socket is gone: rejects sent calls, except `resend` ones, which it returns to queue again. */
  dropped(): OutboxItem[]
  /** Rejects every pending call with `err`. */
  fail(err: Error): void
  /** Rejects one pending call (its frame could not be queued or was dropped from the outbox). */
  reject(id: Id, err: unknown): void
}

interface Pending {
  resolve(value: unknown): void
  reject(err: unknown): void
  /** When it times out (clock ms); Infinity for never. */
  due: number
  /** Kept only for `resend` calls: the frame to queue again after a drop. */
  frame?: Frame | undefined
  signal?: AbortSignal | undefined
  abort?: () => void
  written?: boolean
}

/** The ids of calls sharing one timeout value, oldest first, and the one timer that waits for the oldest. */
interface Queue {
  ids: Id[]
  head: number
  timer: Timer
}

/**
 * @param gone called when a call settles by timeout or abort, so the client
 *   can take its frame out of the outbox if it is still queued
 * @internal
 */
export function createCalls(clock: Clock, gone: (id: Id) => void): Calls {
  const pending = new Map<Id | null, Pending>()
  // Calls with the same timeout expire in the order they were made, so each distinct timeout
  // needs one timer, not one per call: that is most of a pending call's memory otherwise.
  const queues = new Map<number, Queue>()
  let last = 0

  const end = (id: Id, ok: boolean, value: unknown) => {
    const p = pending.get(id)
    if (!p) return
    pending.delete(id)
    // Nothing pending, nothing to wait for: no timer outlives the last call.
    if (!pending.size) {
      queues.forEach((q) => q.timer.clear())
      queues.clear()
    }
    if (p.abort) p.signal!.removeEventListener('abort', p.abort)
    ;(ok ? p.resolve : p.reject)(value)
  }
  const giveUp = (id: Id, err: unknown) => {
    end(id, false, err)
    gone(id)
  }
  /** Times out what is due at the head of `q` (settled ids are skipped) and waits for the next. */
  const expire = (q: Queue) => {
    for (; q.head < q.ids.length; q.head++) {
      const id = q.ids[q.head]!
      const p = pending.get(id)
      if (!p) continue
      const wait = p.due - clock.now()
      if (wait > 0) return q.timer.set(wait, () => expire(q))
      giveUp(id, new TimeoutError('lifeline: call timed out'))
    }
    q.ids = []
    q.head = 0
  }
  const reject = (id: Id, err: unknown) => end(id, false, err)

  return {
    get size() {
      return pending.size
    },
    id: () => ++last,
    add: (id, { timeout, signal, resend, frame }) =>
      new Promise((resolve, reject) => {
        const p: Pending = { resolve, reject, due: clock.now() + timeout, signal, ...(resend && { frame }) }
        pending.set(id, p)
        if (signal?.aborted) return giveUp(id, signal.reason)
        if (signal) signal.addEventListener('abort', (p.abort = () => giveUp(id, signal.reason)))
        // Timers overflow at 2^31 ms and would fire at once: longer means never.
        if (timeout >= 2 ** 31) return
        let q = queues.get(timeout)
        if (!q) queues.set(timeout, (q = { ids: [], head: 0, timer: createTimer(clock) }))
        // Compact a queue that never empties under steady load.
        if (q.head > 1024 && q.head * 2 > q.ids.length) {
          q.ids = q.ids.slice(q.head)
          q.head = 0
        }
        q.ids.push(id)
        if (!q.timer.pending) expire(q)
      }),
    sent(id) {
      const p = pending.get(id)
      if (p) p.written = true
    },
    settle(m) {
      const { id } = m
      const ok = m.type == 'response'
      end(id!, ok, ok ? m.result : new RpcError(m.error.code, m.error.message, m.error.data))
      // Every number up to `last` is ours: a reply to a call we gave up on (timeout, abort, lost socket) is no error.
      return typeof id == 'number' && id <= last
    },
    dropped() {
      const again: OutboxItem[] = []
      pending.forEach((p, call) => {
        if (!p.written) return
        p.written = false
        if (p.frame !== undefined) again.push({ frame: p.frame, call: call! })
        else end(call!, false, new ConnectionClosedError('lifeline: connection closed'))
      })
      return again
    },
    reject,
    fail(err) {
      pending.forEach((_, id) => end(id!, false, err))
    },
  }
}
