/**
 * One inbound message to what handles it: an answer to a call the server
 * made, `rpc.ping`, `rpc.ack`, the session handshake, `rpc.subscribe` and
 * `rpc.unsubscribe` (protocol work, never counted against `maxInFlight`),
 * and the application's methods, admitted by the client's work queue (flow
 * control) and, for a keyed message, run at most once in its session. What
 * handling gives is in answers.ts.
 * @module
 */
import { isRpcError } from '../../errors'
import type { ErrorObject, Id, Message, Protocol } from '../../protocol/protocol'
import type { Client, Connection } from '../connection/types'
import type { Context, MethodHandler, ServerStats } from '../types'
import { isRecord } from '../../checks'
import { errorReply, type Commit, type Granted, type Handled } from './answers'
import { methodNotFound, type Codes } from './codes'
import { whenCounted, type CountedFrame } from './counted'
import { isOnce, runKeyed } from './keyed'
import type { Subscriptions } from './subscribe'

/** What routing needs from its server. @internal */
export interface RoutingOptions<Auth> {
  protocol: Protocol
  codes: Codes
  stats: ServerStats
  /** The session convention's method names. */
  names: { session: string; ack: string }
  methods: ReadonlyMap<string, MethodHandler<Auth>>
  subscriptions: Subscriptions<Auth>
  /**
   * Decide an `rpc.session` request (sessions are on). The returned function runs when the answer
   * is written: it attaches the connection and gives the answer and the frames to replay.
   */
  handshake: ((connection: Connection<Auth>, params: unknown) => Promise<() => Granted>) | undefined
  /** True once `close()` began: new work is not started. */
  closing(): boolean
  report(err: unknown, ctx?: Context<Auth>): void
}

/**
 * Handle one message of `client`'s, which came on `connection`. `opensSession`: it is the
 * connection's first message, alone in a control frame, so it may open a session. `frame`: the
 * session's count of a tracked frame (counted.ts): what the message does waits until it counts.
 * Synchronous when nothing makes it wait (control messages, a method that returns a value, not a
 * promise, no journal), so the common frame is answered without a promise or a microtask; a
 * handshake, a subscribe, a method that returns a promise or waits for a slot or the journal answer
 * later.
 * @internal
 */
export type Route<Auth> = (message: Message, client: Client<Auth>, connection: Connection<Auth>, opensSession: boolean, frame?: CountedFrame) => Handled

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  (typeof value == 'object' || typeof value == 'function') && value !== null && typeof (value as PromiseLike<unknown>).then == 'function'

/** @internal */
export function createRouting<Auth>(options: RoutingOptions<Auth>): Route<Auth> {
  const { protocol, stats, names, codes, subscriptions } = options

  /** A thrown RpcError is the answer; anything else is reported and answered "Internal error", so nothing leaks. */
  const toError = (err: unknown, ctx: Context<Auth>): ErrorObject => {
    if (isRpcError(err) && Number.isInteger(err.code)) {
      const error: ErrorObject = { code: err.code, message: String(err.message) }
      if (err.data !== undefined) error.data = err.data
      return error
    }
    options.report(err, ctx)
    return { code: codes.internalError, message: 'Internal error' }
  }

  return function route(message, client, connection, opensSession, frame) {
    if (message.type == 'response' || message.type == 'error') {
      // The client's answer to our call: it settles it now; the frame counts in its turn.
      frame?.begin()
      if (message.id !== null) client.settle(message)
      return undefined
    }
    const id = message.type == 'request' ? message.id : undefined
    const granted = (answer: Granted): Commit => () => {
      const written: ReturnType<Commit> = {}
      if (id !== undefined) written.reply = { type: 'response', id, result: answer.result }
      if (answer.replay) written.replay = answer.replay
      return written
    }
    const error = (failure: ErrorObject): Commit | undefined => {
      if (id === undefined) return undefined
      stats.errors++
      return () => ({ reply: errorReply(id, failure) })
    }
    const settled = async (deciding: Promise<() => Granted>): Promise<Commit | undefined> => {
      try {
        const decided = await deciding
        return () => granted(decided())()
      } catch (err) {
        return error(toError(err, client.ctx))
      }
    }

    if (message.method === protocol.ping) return granted({ result: 'pong' })
    if (message.method === names.ack) {
      const received = isRecord(message.params) ? message.params.received : undefined
      if (typeof received == 'number') client.session?.ackedByClient(received)
      return granted({ result: null })
    }
    // Draining for close(): new work waits for the next server; the client resends after 1012.
    if (options.closing()) return undefined
    if (message.method === names.session && options.handshake) {
      if (!opensSession) return error({ code: codes.invalidRequest, message: 'Invalid Request: rpc.session must be the first message on a socket' })
      return settled(options.handshake(connection, message.params))
    }
    if (message.method === protocol.unsubscribe) {
      subscriptions.unsubscribe(connection, message.params)
      return granted({ result: null })
    }
    if (message.method === protocol.subscribe) {
      // Protocol work, not application work: a resubscribe batch of 1,000 topics must not trip maxInFlight.
      stats.calls++
      return settled(subscriptions.subscribe(connection, message.params, client.ctx))
    }
    if (message.once !== undefined && !isOnce(message.once)) {
      // Refused like a malformed message: a notification too gets its -32600 (with id null).
      stats.malformed++
      return whenCounted(frame, () => () => ({ reply: errorReply(id ?? null, { code: codes.invalidRequest, message: 'Invalid Request: once must be [origin, n]' }) }))
    }
    const repeats = client.session?.repeats
    const once = message.once
    // A keyed message runs at most once in its session (lifeline-ws/share may write one twice), checked
    // when its turn comes; a repeat is answered, not run.
    const keyed = once && repeats ? (start: () => Handled) => runKeyed(once, repeats, id, start, error, codes, (repeat) => whenCounted(frame, repeat)) : undefined
    return runMethod(message, client, id, granted, error, frame, keyed)
  }

  /**
   * An application method: admitted (maxInFlight), started (counted; written through, once the journal
   * has it), run, and answered when it returns or settles. Its slot is held until then; in a counted
   * frame, until the frame finished (its answer kept: inbound.ts), so that what a crash leaves in doubt
   * is at most what holds a slot.
   */
  function runMethod(
    message: Extract<Message, { type: 'request' | 'notification' }>,
    client: Client<Auth>,
    id: Id | null | undefined,
    granted: (answer: Granted) => Commit,
    error: (failure: ErrorObject) => Commit | undefined,
    frame: CountedFrame | undefined,
    keyed: ((start: () => Handled) => Handled) | undefined,
  ): Handled {
    const method = options.methods.get(message.method)
    if (!method) {
      // Answered at once (nothing to wait for): a keyed one is remembered, and a repeat gets this answer too.
      const unknown = () => whenCounted(frame, () => error(methodNotFound(message.method, codes)))
      return keyed ? keyed(unknown) : unknown()
    }
    const { work, ctx } = client
    const admission = work.admit(id !== undefined)
    if (admission === 'refused') return whenCounted(frame, () => error({ code: codes.overloaded, message: 'Too many requests' }))
    const done = () => {
      if (!frame) work.release()
    }
    /** A method that returned a promise: answered when it settles. */
    const later = async (pending: PromiseLike<unknown>): Promise<Commit | undefined> => {
      try {
        return granted({ result: await pending })
      } catch (err) {
        return error(toError(err, ctx))
      } finally {
        done()
      }
    }
    const invoke = (): Handled => {
      stats.calls++
      let result: unknown
      try {
        result = method(message.params, ctx, message)
      } catch (err) {
        done()
        return error(toError(err, ctx))
      }
      if (isThenable(result)) return later(result)
      done()
      // A notification's handler returned: there is nothing to answer (a method never replays).
      return id === undefined ? undefined : granted({ result })
    }
    /** Admitted: the slot is taken; the frame starts and runs once it counts (a keyed repeat is answered instead). */
    const go = (): Handled => {
      if (frame) frame.slots++
      const start = () => whenCounted(frame, invoke)
      return keyed ? keyed(start) : start()
    }
    if (admission === 'now') return go()
    // Cancelled: its connection went, or its session left this process. It never started: not counted,
    // the client writes it again.
    return admission.then((admitted) => (admitted ? go() : undefined))
  }
}
