/**
 * The pending-call table: ids, timeouts, abort, and the one rule that every
 * call settles (docs/rpc.md).
 * @module
 */
import { ConnectionClosedError, TimeoutError, toRpcError } from '../errors'
import type { Id, Message } from '../protocol/protocol'
import { createTimer, type Clock, type Timer } from '../timers'
import type { Frame } from '../socket/outbox'

/**
 * Per-call options of {@link Calls.add}. `F` is the frame a call is written as: the encoded frame on a
 * socket, a tab message in a sharing tab. @internal
 */
export interface AddOptions<F = Frame> {
  /** The method called, for error messages. */
  method?: string
  /** ms; `Infinity` (or anything a timer cannot hold, 2^31 ms and up) means none. */
  timeout: number
  signal?: AbortSignal | undefined
  /** Safe to send again after a reconnect. */
  resend: boolean
  /** The call's frame, kept for a `resend` call. */
  frame: F
  /** A protocol control request (ping, subscribe, session): never counted as application work. */
  control?: boolean
}

/** A call to write again after a drop: its frame and id. @internal */
export interface CallToResend<F = Frame> {
  frame: F
  call: Id
}

/** @internal */
export interface Calls<F = Frame> {
  /** Pending calls that are application work (not control requests). */
  readonly applicationPending: number
  /** The next id: numbers, unique per client. */
  id(): number
  add(id: number, options: AddOptions<F>): Promise<unknown>
  /**
   * Like `add`, but settles through `done`, synchronously as the answer is processed: for requests whose
   * answer must be handled in frame order with the messages that follow it (subscribe).
   */
  track(id: number, options: AddOptions<F>, done: (ok: boolean, value: unknown) => void): void
  /**
   * Settles a call from a response or error message. True when the id is one
   * of ours, including a late reply to a call already given up on; false for
   * an id this client never issued (and for `id: null`), which the client reports.
   */
  settle(message: Extract<Message, { type: 'response' | 'error' }>): boolean
  /**
   * The socket is lost (it ended; another may follow): rejects calls whose frame was written, except
   * `resend` ones, which it returns to queue again. `only` limits it to some calls (a session keeps
   * application calls pending); `error` makes the rejection (by default a ConnectionClosedError). A
   * session that kept its application calls pending across a lost socket calls it for them once the
   * server turns out to have forgotten the session (`error`: OutcomeUnknownError).
   */
  lost(only?: (id: Id, control: boolean) => boolean, error?: (method: string | undefined) => Error): Array<CallToResend<F>>
  /** True for a pending call marked `resend`. */
  resendable(id: Id): boolean
  /** The call's frame was just written to a socket: a timeout then says it was sent. */
  wrote(id: Id): void
  /** The method of a pending call, to recognise our own request sent back to us (an echo server). */
  method(id: Id): string | undefined
  /** The ids of every pending call. */
  ids(): Id[]
  /** Rejects every pending call with `err`. */
  fail(err: Error): void
  /** Rejects one pending call (its frame could not be queued or was dropped from the outbox). */
  reject(id: Id, err: unknown): void
}

/** What the call table asks of the client. @internal */
export interface CallHooks {
  /** A call settled by timeout or abort: take its frame out of the outbox if it is still queued. */
  gone(id: Id): void
  /** True while the call's frame still waits in the outbox (never written). */
  queued(id: Id): boolean
  /** The protocol's "method not found" code: such errors name the method. */
  methodNotFound?: number | undefined
  /** The client's state, named by a timeout of a call that never left the outbox. */
  state?: () => string
}

interface PendingCall<F> {
  done(ok: boolean, value: unknown): void
  method: string | undefined
  timeout: number
  control: boolean
  /** Written to a socket at least once (a drop may have put it back in the outbox since). */
  written: boolean
  /** Kept for `resend` calls only. */
  frame: F | undefined
  stopListening: (() => void) | undefined
}

/** Calls with one timeout value expire in the order they were made: one FIFO and one timer per value. */
interface Deadlines {
  entries: Array<{ id: Id; due: number }>
  head: number
  timer: Timer
}

/** @internal */
export function createCalls<F = Frame>(clock: Clock, hooks: CallHooks): Calls<F> {
  const pending = new Map<Id, PendingCall<F>>()
  const deadlines = new Map<number, Deadlines>()
  let last = 0
  let applicationPending = 0

  const end = (id: Id, ok: boolean, value: unknown) => {
    const call = pending.get(id)
    if (!call) return
    pending.delete(id)
    if (!call.control) applicationPending--
    call.stopListening?.()
    // Nothing left to time out: no timer may outlive the last call.
    if (!pending.size) {
      deadlines.forEach(({ timer }) => timer.clear())
      deadlines.clear()
    }
    call.done(ok, value)
  }
  const giveUp = (id: Id, err: unknown) => {
    end(id, false, err)
    hooks.gone(id)
  }
  /** Says what happened to the call: never written, written and waiting to be written again, or unanswered. */
  const timedOut = (id: Id, call: PendingCall<F>) => {
    const name = call.method === undefined ? 'call' : `call '${call.method}'`
    const queued = hooks.queued(id)
    const state = hooks.state ? ` while the client was ${hooks.state()}` : ''
    let note = ': it was sent and no answer came'
    if (queued && call.written) note = `: it was sent, the connection dropped, and it waited to be sent again${state}`
    else if (queued) note = ` and was never sent: it waited in the outbox${state}`
    return new TimeoutError(`lifeline: ${name} timed out after ${call.timeout} ms${note}`, call.method, call.timeout, !queued || call.written)
  }
  /** Times out what is due at the head of one FIFO (settled ids are skipped) and waits for the next. */
  const sweep = (timeout: number) => {
    const queue = deadlines.get(timeout)!
    for (let next = queue.entries[queue.head]; next && next.due <= clock.now(); next = queue.entries[queue.head]) {
      queue.head++
      const call = pending.get(next.id)
      if (call) giveUp(next.id, timedOut(next.id, call))
    }
    // The last call settling clears every FIFO; then there is nothing to wait for.
    if (deadlines.get(timeout) !== queue) return
    const upcoming = queue.entries[queue.head]
    if (upcoming) queue.timer.set(upcoming.due - clock.now(), () => sweep(timeout))
    else deadlines.delete(timeout)
  }
  const schedule = (id: Id, timeout: number) => {
    let queue = deadlines.get(timeout)
    if (!queue) {
      queue = { entries: [], head: 0, timer: createTimer(clock) }
      deadlines.set(timeout, queue)
      queue.timer.set(timeout, () => sweep(timeout))
    }
    // A head index, not shift(): expiring n calls stays O(n). Compact a FIFO that never empties.
    if (queue.head > 2048 && queue.head * 2 > queue.entries.length) {
      queue.entries = queue.entries.slice(queue.head)
      queue.head = 0
    }
    queue.entries.push({ id, due: clock.now() + timeout })
  }

  const track = (id: Id, { method, timeout, signal, resend, frame, control = false }: AddOptions<F>, done: PendingCall<F>['done']) => {
    const call: PendingCall<F> = { done, method, timeout, control, written: false, frame: resend ? frame : undefined, stopListening: undefined }
    pending.set(id, call)
    if (!control) applicationPending++
    if (signal) {
      const abort = () => giveUp(id, signal.reason)
      if (signal.aborted) return abort()
      signal.addEventListener('abort', abort)
      call.stopListening = () => signal.removeEventListener('abort', abort)
    }
    // Timers overflow at 2^31 ms and would fire at once.
    if (timeout < 2 ** 31) schedule(id, timeout)
  }

  return {
    get applicationPending() {
      return applicationPending
    },
    id: () => ++last,
    add(id, options) {
      return new Promise((resolve, reject) => {
        track(id, options, (ok, value) => {
          if (ok) resolve(value)
          else reject(value)
        })
      })
    },
    track,
    settle(message) {
      const { id } = message
      const call = id === null ? undefined : pending.get(id)
      if (id !== null) {
        if (message.type === 'response') end(id, true, message.result)
        else end(id, false, toRpcError(message.error, message.error.code === hooks.methodNotFound ? call?.method : undefined))
      }
      // Every number up to `last` is ours: a reply to a call we gave up on (timeout, abort, lost socket) is no error.
      return typeof id === 'number' && id <= last
    },
    lost(only, error) {
      const again: Array<CallToResend<F>> = []
      pending.forEach((call, id) => {
        if (hooks.queued(id) || (only && !only(id, call.control))) return
        if (call.frame !== undefined) again.push({ frame: call.frame, call: id })
        else if (error) end(id, false, error(call.method))
        else end(id, false, new ConnectionClosedError(`lifeline: connection closed before ${call.method === undefined ? 'the call' : `'${call.method}'`} was answered`))
      })
      return again
    },
    reject: (id, err) => end(id, false, err),
    resendable: (id) => pending.get(id)?.frame !== undefined,
    method: (id) => pending.get(id)?.method,
    wrote(id) {
      const call = pending.get(id)
      if (call) call.written = true
    },
    ids: () => [...pending.keys()],
    fail(err) {
      pending.forEach((_, id) => end(id, false, err))
    },
  }
}
