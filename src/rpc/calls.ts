/**
 * The pending-call table: ids, timeouts, abort, and the one rule that every
 * call settles (docs/rpc.md).
 * @module
 */
import { ConnectionClosedError, TimeoutError, toRpcError } from '../errors'
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

/** Only the resolver is kept per call; a rejection is resolve(Promise.reject(err)), which saves the other function. */
type Pending = (value: unknown) => void

/**
 * @param gone called when a call settles by timeout or abort, so the client
 *   can take its frame out of the outbox if it is still queued
 * @internal
 */
export function createCalls(clock: Clock, gone: (id: Id) => void): Calls {
  const pending = new Map<Id | null, Pending>()
  // Not yet written: tiny while open, since calls are written as they are made.
  const unwritten = new Set<Id>()
  // Frames of resend calls and cleanups of calls with a signal: only the calls that have them.
  const frames = new Map<Id, Frame>()
  const aborts = new Map<Id, () => void>()
  // Calls with equal timeouts expire in call order, so one FIFO of [id, due, id, due…]
  // and one timer per timeout value replace a timer per call.
  const queues = new Map<number, { q: number[]; head: number; timer: Timer }>()
  let last = 0

  const end = (id: Id, ok: boolean, value: unknown) => {
    const p = pending.get(id)
    if (!p) return
    pending.delete(id)
    unwritten.delete(id)
    frames.delete(id)
    aborts.get(id)?.()
    // Nothing left to time out: no timer may outlive the last call.
    if (!pending.size) {
      queues.forEach(({ timer }) => timer.clear())
      queues.clear()
    }
    p(ok ? value : Promise.reject(value))
  }
  const giveUp = (id: Id, err: unknown) => {
    end(id, false, err)
    gone(id)
  }
  /** Times out what is due at the head of one queue (settled ids are skipped) and waits for the next. */
  const sweep = (timeout: number) => {
    const queue = queues.get(timeout)!
    while (queue.head < queue.q.length && queue.q[queue.head + 1]! <= clock.now()) {
      const id = queue.q[queue.head]!
      queue.head += 2
      if (pending.has(id)) giveUp(id, new TimeoutError('lifeline: call timed out'))
    }
    // The last call settling clears every queue; then there is nothing to wait for.
    if (queues.get(timeout) != queue) return
    if (queue.head < queue.q.length) queue.timer.set(queue.q[queue.head + 1]! - clock.now(), () => sweep(timeout))
    else queues.delete(timeout)
  }

  return {
    get size() {
      return pending.size
    },
    id: () => ++last,
    add: (id, { timeout, signal, resend, frame }) =>
      new Promise((resolve) => {
        pending.set(id, resolve)
        unwritten.add(id)
        if (resend) frames.set(id, frame)
        if (signal) {
          const abort = () => giveUp(id, signal.reason)
          if (signal.aborted) return abort()
          signal.addEventListener('abort', abort)
          aborts.set(id, () => signal.removeEventListener('abort', abort))
        }
        // Timers overflow at 2^31 ms and would fire at once.
        if (timeout < 2 ** 31) {
          let queue = queues.get(timeout)
          if (!queue) {
            queues.set(timeout, (queue = { q: [], head: 0, timer: createTimer(clock) }))
            queue.timer.set(timeout, () => sweep(timeout))
          }
          // A head index, not shift(): expiring n calls stays O(n). Compact a queue that never empties.
          if (queue.head > 2048 && queue.head * 2 > queue.q.length) {
            queue.q = queue.q.slice(queue.head)
            queue.head = 0
          }
          queue.q.push(id, clock.now() + timeout)
        }
      }),
    sent: (id) => unwritten.delete(id),
    settle(m) {
      const { id } = m
      const ok = m.type == 'response'
      if (id != null) end(id, ok, ok ? m.result : toRpcError(m.error))
      // Every number up to `last` is ours: a reply to a call we gave up on (timeout, abort, lost socket) is no error.
      return typeof id == 'number' && id <= last
    },
    dropped() {
      const again: OutboxItem[] = []
      pending.forEach((_, call) => {
        if (unwritten.has(call!)) return
        unwritten.add(call!)
        const frame = frames.get(call!)
        if (frame != undefined) again.push({ frame, call: call! })
        else end(call!, false, new ConnectionClosedError('lifeline: connection closed'))
      })
      return again
    },
    reject: (id, err) => end(id, false, err),
    fail(err) {
      pending.forEach((_, id) => end(id!, false, err))
    },
  }
}
