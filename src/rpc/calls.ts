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
  /** Rejects one pending call, for example when the outbox dropped its frame. */
  reject(id: Id, err: unknown): void
  /** Rejects every pending call with `err`. */
  fail(err: Error): void
  /** Rejects one pending call (its frame could not be queued or was dropped from the outbox). */
  reject(id: Id, err: unknown): void
}

interface Pending extends AddOptions {
  resolve(value: unknown): void
  reject(err: unknown): void
  abort(): void
  timer: Timer
  written?: boolean
}

/**
 * @param gone called when a call settles by timeout or abort, so the client
 *   can take its frame out of the outbox if it is still queued
 * @internal
 */
export function createCalls(clock: Clock, gone: (id: Id) => void): Calls {
  const pending = new Map<Id, Pending>()
  let last = 0

  const finish = (id: Id, ok: boolean, value: unknown) => {
    const p = pending.get(id)
    if (p && pending.delete(id)) {
      p.timer.clear()
      p.signal?.removeEventListener('abort', p.abort)
      ;(ok ? p.resolve : p.reject)(value)
    }
  }
  const giveUp = (id: Id, err: unknown) => {
    finish(id, false, err)
    gone(id)
  }

  return {
    get size() {
      return pending.size
    },
    id: () => ++last,
    add: (id, options) =>
      new Promise((resolve, reject) => {
        const { signal, timeout } = options
        const p: Pending = { ...options, resolve, reject, timer: createTimer(clock), abort: () => giveUp(id, signal?.reason) }
        pending.set(id, p)
        if (signal?.aborted) return p.abort()
        // Timers overflow at 2^31 ms and would fire at once.
        if (timeout < 2 ** 31) p.timer.set(timeout, () => giveUp(id, new TimeoutError(`lifeline: call ${id} timed out`)))
        signal?.addEventListener('abort', p.abort)
      }),
    sent(id) {
      const p = pending.get(id)
      if (p) p.written = true
    },
    settle(m) {
      const { id } = m
      // Every number up to `last` is ours: a reply to a call we gave up on (timeout, abort, lost socket) is no error.
      if (!pending.has(id as Id)) return typeof id == 'number' && id <= last
      if (m.type == 'error') finish(id as Id, false, new RpcError(m.error.code, m.error.message, m.error.data))
      else finish(m.id, true, m.result)
      return true
    },
    dropped() {
      const again: OutboxItem[] = []
      pending.forEach((p, id) => {
        if (!p.written) return
        if (p.resend) {
          p.written = false
          again.push({ frame: p.frame, call: id })
        } else finish(id, false, new ConnectionClosedError('lifeline: connection closed'))
      })
      return again
    },
    reject: (id, err) => finish(id, false, err),
    fail(err) {
      pending.forEach((_, id) => finish(id, false, err))
    },
  }
}
