/**
 * The pending-call table: ids, timeouts, abort, and the one rule that every
 * call settles (docs/rpc.md).
 * @module
 */
import { ConnectionClosedError, RpcError, TimeoutError } from '../errors'
import type { Id, Message } from '../protocol/protocol'
import { createTimer, type Clock } from '../timers'
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

interface Pending extends AddOptions {
  /** Settles the call once: clears its timer and abort listener and forgets it. */
  end(ok: boolean, value: unknown): void
  written?: boolean
}

/**
 * @param gone called when a call settles by timeout or abort, so the client
 *   can take its frame out of the outbox if it is still queued
 * @internal
 */
export function createCalls(clock: Clock, gone: (id: Id) => void): Calls {
  const pending = new Map<Id | null, Pending>()
  let last = 0

  const reject = (id: Id, err: unknown) => pending.get(id)?.end(false, err)

  return {
    get size() {
      return pending.size
    },
    id: () => ++last,
    add: (id, options) =>
      new Promise((resolve, reject) => {
        const { timeout, signal } = options
        const timer = createTimer(clock)
        const giveUp = (err: unknown) => {
          end(false, err)
          gone(id)
        }
        const abort = () => giveUp(signal!.reason)
        const end = (ok: boolean, value: unknown) => {
          pending.delete(id)
          timer.clear()
          signal?.removeEventListener('abort', abort)
          ;(ok ? resolve : reject)(value)
        }
        pending.set(id, { ...options, end })
        if (signal?.aborted) return abort()
        // Timers overflow at 2^31 ms and would fire at once.
        if (timeout < 2 ** 31) timer.set(timeout, () => giveUp(new TimeoutError('lifeline: call timed out')))
        signal?.addEventListener('abort', abort)
      }),
    sent(id) {
      const p = pending.get(id)
      if (p) p.written = true
    },
    settle(m) {
      const { id } = m
      const ok = m.type == 'response'
      pending.get(id)?.end(ok, ok ? m.result : new RpcError(m.error.code, m.error.message, m.error.data))
      // Every number up to `last` is ours: a reply to a call we gave up on (timeout, abort, lost socket) is no error.
      return typeof id == 'number' && id <= last
    },
    dropped() {
      const again: OutboxItem[] = []
      pending.forEach((p, call) => {
        if (!p.written) return
        p.written = false
        if (p.resend) again.push({ frame: p.frame, call: call! })
        else p.end(false, new ConnectionClosedError('lifeline: connection closed'))
      })
      return again
    },
    reject,
    fail(err) {
      pending.forEach((p) => p.end(false, err))
    },
  }
}
