/**
 * Sessions, client side (docs/protocol.md, "Sessions"): on every open the
 * `rpc.session` handshake goes first and the outbox stays gated until its
 * answer; tracked frames are counted both ways and acknowledged in coalesced
 * cumulative `rpc.ack`s; held frames are let go as the server acknowledges
 * them. A server that answers -32601 (or anything but a session) gets the
 * plain client.
 * @module
 */
import { ProtocolError, isConnectionClosedError, isRpcError, isTimeoutError, outcomeUnknown } from '../errors'
import { createTimer } from '../timers'
import { isCount } from '../checks'
import type { Decoded, Id, Protocol } from '../protocol/protocol'
import type { Core } from '../socket/socket'
import type { AttachOptions, OutboxItem } from '../socket/outbox'
import type { Calls } from './calls'
import { createPositions } from './positions'
import type { RateLimit } from './pacing'

/** At most this long (ms) between the first unacknowledged tracked frame and its `rpc.ack`. */
export const ACK_DELAY = 200
/** ... or at once when this many are unacknowledged. */
export const ACK_EVERY = 128

/** @internal */
export interface Session {
  /**
   * A socket opened: writes the handshake (at once, or once stored frames are loaded, since a reload's
   * session id is stored with them), then runs `then` (the resubscribe batch may follow it). Returns
   * the gated attach, or `undefined` when this server has no sessions (the plain rule applies).
   */
  open(then: () => void): AttachOptions | undefined
  /** Every inbound frame's messages, before they are handled (`undefined`: it did not decode). */
  inbound(messages: Decoded[] | undefined): void
  /** The params of an `rpc.ack` the server sent: it has the client's frames up to a position. */
  ackedByServer(params: unknown): void
  /** A control request written on this socket: its answer is a control frame, not counted. */
  control(id: Id): void
  /** True while there is a session to resume: held frames go back on a drop, application calls stay pending. */
  readonly active: boolean
  /** The socket's `written` hook: numbers the items written on the session. */
  written(item: OutboxItem): void
  /** Flow control: a call may be written only while fewer than the server's limits are unanswered. */
  admit(next: OutboxItem): boolean
  /** The rate limit this socket's server announced in its handshake answer; `undefined` before it, or without one. */
  readonly rateLimit: RateLimit | undefined
  /** The socket is lost (it ended; another may follow). */
  lost(): void
  /** Final close. */
  closed(): void
}

interface Answer {
  id: string
  resumed: boolean
  received: number
  limits?: { maxInFlight: number; maxQueued: number; rateLimit?: RateLimit }
  /** Positions (up to `received`) the server cannot vouch for: started, never finished (a crash, a hand-over). */
  unknown?: number[]
}

/** The handshake answer is input: checked in every build. */
const toAnswer = (result: unknown): Answer | undefined => {
  const answer = result as Partial<Answer> | null
  if (typeof answer?.id !== 'string' || typeof answer.resumed !== 'boolean' || !isCount(answer.received)) return undefined
  const limits = answer.limits
  const rate = limits?.rateLimit
  const validRate = rate === undefined || (Number.isFinite(rate?.rate) && rate.rate > 0 && isCount(rate.burst) && rate.burst > 0)
  const validLimits = limits === undefined || (isCount(limits.maxInFlight) && isCount(limits.maxQueued) && validRate)
  const unknown = answer.unknown
  const validUnknown = unknown === undefined || (Array.isArray(unknown) && unknown.every((position) => isCount(position) && position <= answer.received!))
  return validLimits && validUnknown ? (answer as Answer) : undefined
}

/**
 * Creates the client's session; `undefined` when the protocol has no session convention or there is no outbox.
 * @internal
 */
export function createSession(core: Core, protocol: Protocol, calls: Calls, timeout: number, resume?: () => string | undefined): Session | undefined {
  const { outbox, options } = core
  const { session: sessionMethod, ack: ackMethod } = protocol
  if (!outbox || sessionMethod === undefined || ackMethod === undefined) return undefined
  const positions = createPositions(outbox)
  const controlMethods = new Set([sessionMethod, ackMethod, protocol.ping, protocol.subscribe, protocol.unsubscribe, protocol.publish])
  const ackTimer = createTimer(options.env.clock)
  // Ids of control requests written on the current socket and not answered yet.
  const controlIds = new Set<Id>()
  let supported = true
  let sessionId: string | undefined
  // Tracked server frames received in the session; null after a reload, until the answer.
  let received: number | null = 0
  // What the client last acknowledged to the server (the `received` of its last rpc.ack).
  let ackedToServer = 0
  // The current socket's handshake was answered with a session: count from now on.
  let established = false
  let unanswered = Infinity
  let rateLimit: RateLimit | undefined
  let socketCount = 0

  const ackToServer = () => {
    ackTimer.clear()
    if (received === null || received <= ackedToServer) return
    if (core.write(protocol.encode({ type: 'notification', method: ackMethod, params: { received } }))) ackedToServer = received
  }

  /**
   * Frames written on a session the server no longer has (it forgot it, or a reload's stored frames name
   * another): the server may or may not have run them, and nobody can tell any more. They are reported
   * with reason 'unknown' (their calls reject with OutcomeUnknownError), never written again, except
   * `resend` calls, which go out as new frames. Call once `positions.session` is the answered session.
   */
  const settleOrphans = () => settle(positions.orphans())

  /**
   * Frames whose outcome is unknown for good: reported with reason 'unknown' (calls: OutcomeUnknownError),
   * except `resend` calls, which go out again as new frames, their ttl counted from now (one that expired
   * on its first ttl would be reported as never sent, though it may have run).
   */
  const settle = (doubtful: OutboxItem[]) => {
    const unknown = new Set(doubtful)
    for (const item of unknown) {
      if (item.call === undefined || !calls.resendable(item.call)) continue
      unknown.delete(item)
      positions.renew(item)
      outbox.restamp(item.call)
    }
    outbox.discard((item) => unknown.has(item), 'unknown')
  }

  /**
   * The server forgot the session: calls it had acknowledged and not answered may or may not have run,
   * and their answers are gone with it. They reject at once (no point waiting for their timeout), except
   * `resend` calls, which are written again.
   */
  const failUnanswered = () => {
    for (const item of calls.lost((_id, control) => !control, outcomeUnknown)) core.push(item)
  }

  /** Without a session on this server: the plain client from now on; the answer was the server's first frame. */
  const plain = () => {
    supported = false
    const forgotten = sessionId !== undefined
    sessionId = undefined
    positions.session = undefined
    // A server that answered sessions before (or a reload's stored session) and now has none forgot it.
    settleOrphans()
    if (forgotten) failUnanswered()
    outbox.ungate()
    outbox.ackedByPeer()
  }

  const answered = (ok: boolean, value: unknown) => {
    // The socket died first: nothing changed, the next open asks again.
    if (!ok && isConnectionClosedError(value)) return
    if (!ok && isTimeoutError(value)) {
      if (sessionId !== undefined) {
        // This server has answered a handshake before: the path is dead or stalled (a blackhole just
        // after the open, a throttled link), not a server without sessions. Another socket, same session.
        core.report(new ProtocolError(`lifeline: no answer to the session handshake within ${timeout} ms; reconnecting to resume the session`, undefined))
        core.link.restart('session handshake timeout')
        return
      }
      // A server that never answers (a sink, a JSON-RPC server that ignores unknown methods) must not
      // keep the outbox shut: carry on without a session, and say why.
      core.report(new ProtocolError(`lifeline: no answer to the session handshake within ${timeout} ms; going on without a session`, undefined))
      plain()
      return
    }
    const answer = ok ? toAnswer(value) : undefined
    if (!ok && sessionId !== undefined && !(isRpcError(value) && value.code === protocol.codes.methodNotFound)) {
      // A server that keeps sessions could not resume this one now (its store did not answer, say): not a
      // server without sessions. Another socket after the backoff delay (it grows if this repeats), same session.
      core.report(new ProtocolError(`lifeline: the session handshake failed (${String((value as Error).message)}); reconnecting to resume the session`, value))
      core.link.retry('session handshake failed')
      return
    }
    if (!answer) {
      if (ok) core.report(new ProtocolError('lifeline: a session answer must be { id, resumed, received }', value))
      plain()
      return
    }
    const resumed = answer.resumed && answer.id === sessionId
    // The server no longer has the session this client had (or a reload's stored frames name).
    const forgotten = !resumed && sessionId !== undefined
    if (!resumed || received === null) received = 0
    ackedToServer = received
    sessionId = answer.id
    established = true
    unanswered = answer.limits ? answer.limits.maxInFlight + answer.limits.maxQueued : Infinity
    rateLimit = answer.limits?.rateLimit
    // The frames of the session the server has are let go; the rest are numbered after them.
    positions.session = answer.id
    settleOrphans()
    if (forgotten) failUnanswered()
    // Resumed after a crash (or a hand-over at the deadline): the frames it counted and cannot vouch for.
    if (resumed && answer.unknown?.length) settle(positions.at(new Set(answer.unknown)))
    positions.resume(resumed ? answer.received : 0)
    core.emit('session', { id: answer.id, resumed })
  }

  const handshake = (then: () => void) => {
    // A reload: the stored frames carry the session they were written on (else, for a new leader tab of
    // lifeline-ws/share, `resume` knows the shared one); what the page had received is unknown.
    const stored = sessionId === undefined ? (positions.stored() ?? resume?.()) : undefined
    if (stored !== undefined) {
      sessionId = stored
      received = null
    }
    const id = calls.id()
    calls.track(id, { method: sessionMethod, timeout, resend: false, frame: '', control: true }, answered)
    controlIds.add(id)
    core.write(protocol.encode({ type: 'request', id, method: sessionMethod, params: { id: sessionId ?? null, received } }))
    then()
  }

  return {
    open(then) {
      socketCount++
      if (!supported) {
        then()
        return undefined
      }
      if (!outbox.loading) handshake(then)
      else {
        const socket = socketCount
        void outbox.loaded.then(() => {
          if (socket === socketCount && core.link.state === 'open') handshake(then)
        })
      }
      return { hold: true, gate: true }
    },
    inbound(messages) {
      // A frame is tracked unless every message in it is control; one that did not decode is tracked.
      let tracked = !messages
      for (const message of messages ?? []) {
        if (message.type === 'request' || message.type === 'notification') {
          if (!controlMethods.has(message.method)) tracked = true
        } else if (message.type === 'invalid' || message.id === null || !controlIds.delete(message.id)) tracked = true
      }
      if (!established || !tracked || received === null) return
      received++
      if (received - ackedToServer >= ACK_EVERY) ackToServer()
      else if (!ackTimer.pending) ackTimer.set(ACK_DELAY, ackToServer)
    },
    ackedByServer(params) {
      const upTo = (params as { received?: unknown } | null)?.received
      if (isCount(upTo)) positions.ackedByServer(upTo)
    },
    control(id) {
      controlIds.add(id)
    },
    get active() {
      return supported && sessionId !== undefined
    },
    written: positions.written,
    get rateLimit() {
      return rateLimit
    },
    admit(next) {
      if (next.call === undefined || unanswered === Infinity) return true
      return calls.applicationPending - outbox.queuedCalls < unanswered
    },
    lost() {
      socketCount++
      established = false
      rateLimit = undefined
      positions.stop()
      controlIds.clear()
      ackTimer.clear()
    },
    closed() {
      ackTimer.clear()
    },
  }
}
