/**
 * Inbound frames of one socket: decode, classify (control or tracked, for
 * sessions), count tracked frames in the session, route each message
 * (session handshake, ping, ack, subscribe, unsubscribe, methods, answers to
 * the server's own calls), and answer: one reply per request, batches as one
 * batch, replays (topic or session) right after the answer. Control frames
 * are answered on their socket; tracked frames through the client, so a
 * session carries their answers to the client's next socket.
 * @module
 */
import type { RawData } from 'ws'
import { isRpcError } from '../../errors'
import type { ErrorObject, Id, Message, Protocol } from '../../protocol/protocol'
import type { Clock } from '../clock'
import { methodNotFound, type Codes } from './codes'
import { createBucket, RATE_LIMITED } from '../transport/door'
import type { Link } from '../connection/connection'
import type { Peer } from '../connection/client'
import { isOnce, runKeyed } from './keyed'
import { fail, type Finish, type Ran } from './answers'
import { createSubscribe } from './subscribe'
import type { Topics } from '../topics/topics'
import type { Context, MethodHandler, ServerOptions, ServerStats } from '../types'
import { isRecord } from '../values'

/** What the dispatcher hands back when a message is done; runs when the answer is written. @internal */
export type Outcome = { result: unknown; after?: string[] }

/** What a socket's dispatcher needs from its server. @internal */
export interface DispatchOptions<Auth> {
  clock: Clock
  protocol: Protocol
  codes: Codes
  methods: ReadonlyMap<string, MethodHandler<Auth>>
  topics: Topics
  stats: ServerStats
  maxSubscriptions: number
  authorizeSubscribe: ServerOptions<Auth>['authorizeSubscribe']
  /** The session convention's method names, and every control method. */
  names: { session: string; ack: string }
  control: ReadonlySet<string>
  /**
   * Decide an `rpc.session` request (sessions are on). The returned function runs when the
   * answer is written: it attaches the socket and returns the answer and the frames to replay.
   */
  handshake?: (link: Link<Auth>, params: unknown) => Promise<() => Outcome>
  /** True once `close()` began: new work is not started. */
  closing(): boolean
  /** A frame was fully answered. */
  idle(peer: Peer<Auth>): void
  report(err: unknown, ctx?: Context<Auth>): void
  /** Inbound messages per socket: a token bucket; going over closes the socket with 1008. */
  rateLimit?: { rate: number; burst: number } | false
}


const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  (typeof value == 'object' || typeof value == 'function') && value !== null && typeof (value as PromiseLike<unknown>).then == 'function'


/** @internal */
export function createDispatch<Auth>(link: Link<Auth>, options: DispatchOptions<Auth>): (data: RawData, isBinary: boolean) => void {
  const { protocol, stats, names, codes } = options
  const subscriptions = createSubscribe(link, options)
  const bucket = options.rateLimit ? createBucket(options.rateLimit, options.clock) : undefined
  // Set once the socket went over its rate: what it still sends is not even decoded.
  let limited = false
  /** Take `count` tokens; on failure close the socket (once) and say so. */
  const overLimit = (count: number): boolean => {
    if (limited) return true
    if (!bucket || bucket.take(count)) return false
    limited = true
    stats.dropped++
    link.close(RATE_LIMITED, 'Rate limit exceeded')
    return true
  }

  const isControl = (message: Message) => message.type !== 'response' && message.type !== 'error' && options.control.has(message.method)

  const toError = (err: unknown, ctx: Context<Auth>): ErrorObject => {
    if (isRpcError(err) && Number.isInteger(err.code)) {
      const error: ErrorObject = { code: err.code, message: String(err.message) }
      if (err.data !== undefined) error.data = err.data
      return error
    }
    options.report(err, ctx)
    return { code: codes.internalError, message: 'Internal error' }
  }

  /**
   * One message. `opening`: this is the socket's first message, so it may open a session. Synchronous
   * when nothing makes it wait (control messages, a method that returns a value, not a promise), so
   * the common frame is answered without a promise or a microtask; a handshake, a subscribe, a method
   * that returns a promise or waits for a slot answer later.
   */
  function run(message: Message, peer: Peer<Auth>, opening: boolean): Ran {
    if (message.type == 'response' || message.type == 'error') {
      if (message.id !== null) peer.settle(message)
      return
    }
    const id = message.type == 'request' ? message.id : undefined
    const answer = (outcome: Outcome): Finish => () => {
      const finished: { reply?: Message; after?: string[] } = {}
      if (id !== undefined) finished.reply = { type: 'response', id, result: outcome.result }
      if (outcome.after) finished.after = outcome.after
      return finished
    }
    const error = (failure: ErrorObject): Finish | undefined => {
      if (id === undefined) return
      stats.errors++
      return () => ({ reply: fail(id, failure) })
    }
    const settled = async (work: Promise<() => Outcome>): Promise<Finish | undefined> => {
      try {
        const finish = await work
        return () => answer(finish())()
      } catch (err) {
        return error(toError(err, peer.ctx))
      }
    }

    if (message.method === protocol.ping) return answer({ result: 'pong' })
    if (message.method === names.ack) {
      const received = isRecord(message.params) ? message.params.received : undefined
      if (typeof received == 'number') peer.session?.acknowledge(received)
      return answer({ result: null })
    }
    // Draining for close(): new work waits for the next server; the client resends after 1012.
    if (options.closing()) return
    if (message.method === names.session && options.handshake) {
      if (!opening) return error({ code: codes.invalidRequest, message: 'Invalid Request: rpc.session must be the first message on a socket' })
      return settled(options.handshake(link, message.params))
    }
    if (message.method === protocol.unsubscribe) {
      subscriptions.unsubscribe(message.params)
      return answer({ result: null })
    }
    if (message.method === protocol.subscribe) {
      // Protocol work, not application work: a resubscribe batch of 1,000 topics must not trip maxInFlight.
      stats.calls++
      return settled(subscriptions.subscribe(message.params, peer.ctx))
    }
    if (message.once !== undefined && !isOnce(message.once)) {
      // Refused like a malformed message: a notification too gets its -32600 (with id null).
      stats.malformed++
      return () => ({ reply: fail(id ?? null, { code: codes.invalidRequest, message: 'Invalid Request: once must be [origin, n]' }) })
    }
    const repeats = peer.session?.repeats
    const invoke = () => runMethod(message, peer, id, answer, error)
    // A keyed message runs at most once in its session (lifeline-ws/share may write one twice).
    return message.once && repeats ? runKeyed(message.once, repeats, id, invoke, error, codes) : invoke()
  }

  /** An application method: admitted (maxInFlight), run, and answered when it returns or settles. */
  function runMethod(message: Extract<Message, { type: 'request' | 'notification' }>, peer: Peer<Auth>, id: Id | undefined, answer: (outcome: Outcome) => Finish, error: (failure: ErrorObject) => Finish | undefined): Ran {
    const method = options.methods.get(message.method)
    if (!method) return error(methodNotFound(message.method, codes))
    const admission = peer.work.admit(id !== undefined)
    if (admission === 'refused') return error({ code: codes.overloaded, message: 'Too many requests' })
    /** A method that returned a promise: answered when it settles; its slot is held until then. */
    const later = async (pending: PromiseLike<unknown>): Promise<Finish | undefined> => {
      try {
        return answer({ result: await pending })
      } catch (err) {
        return error(toError(err, peer.ctx))
      } finally {
        peer.work.release()
      }
    }
    const invoke = (): Ran => {
      stats.calls++
      let result: unknown
      try {
        result = method(message.params, peer.ctx)
      } catch (err) {
        peer.work.release()
        return error(toError(err, peer.ctx))
      }
      if (isThenable(result)) return later(result)
      peer.work.release()
      // A notification's handler returned: there is nothing to answer (a method never replays).
      return id === undefined ? undefined : answer({ result })
    }
    return admission === 'now' ? invoke() : admission.then(invoke)
  }

  /** Decode, classify and count synchronously, so frames are counted in arrival order. */
  function frame(data: RawData, isBinary: boolean): Promise<void> | undefined {
    const peer = link.peer
    // A resume gave this socket's place to a newer one: nothing it still sends counts.
    if (!peer) return
    const first = link.fresh
    link.fresh = false
    const text = isBinary ? undefined : String(data)
    let messages: Message[] | undefined
    let failure: ErrorObject | undefined
    try {
      if (text === undefined) throw new TypeError('binary frame')
      messages = protocol.decode(text)
    } catch (err) {
      const parse = text === undefined || (err as { cause?: unknown }).cause instanceof SyntaxError
      failure = parse ? { code: codes.parseError, message: 'Parse error' } : { code: codes.invalidRequest, message: 'Invalid Request' }
    }
    // Every message of a batch costs a token (the frame itself paid one on arrival).
    if (messages && messages.length > 1 && overLimit(messages.length - 1)) return
    // A frame is control when every message in it is; anything else, even one that does not decode, is tracked.
    const tracked = !messages?.every(isControl)
    // Not counted, not run: the client still holds it and sends it to the next server.
    if (tracked && peer.session && options.closing()) return
    // Write-through sessions: the frame runs once the store counted it (and not if that failed).
    const counted = tracked ? peer.session?.receive() : undefined
    if (!messages) {
      stats.malformed++
      if (first) peer.decided()
      peer.reply(fail(null, failure!))
      return
    }
    const head = messages[0]!
    // Only the socket's first frame, and only in a control frame (the convention never mixes them).
    const opening = first && !tracked && head.type == 'request' && head.method === names.session && options.handshake !== undefined
    if (!opening && first) peer.decided()
    if (counted) return counted.then((run) => (run ? answerFrame(messages, peer, text!, tracked, false) : undefined))
    if (!opening) return answerFrame(messages, peer, text!, tracked, false)
    // Frames that come while the handshake is decided wait, so each is counted in its session.
    link.held = []
    return Promise.resolve(answerFrame(messages, peer, text!, tracked, true)).finally(() => {
      // The answer and any replay are written: what was delivered to this socket's own context
      // meanwhile follows them in its new session (or is dropped, if the socket resumed another).
      peer.decided()
      const held = link.held ?? []
      link.held = undefined
      for (const next of held) receive(next.data, next.isBinary)
    })
  }

  /** Answers a frame once every message in it ran: at once when all of them ran synchronously. */
  function answerFrame(messages: Message[], peer: Peer<Auth>, text: string, tracked: boolean, opening: boolean): Promise<void> | undefined {
    const page = peer.session?.page
    const ran = messages.map((message, index) => run(message, peer, opening && index === 0))
    if (ran.some((one) => one instanceof Promise)) return Promise.all(ran).then((finishes) => write(finishes, peer, text, tracked, page))
    write(ran as (Finish | undefined)[], peer, text, tracked, page)
    return undefined
  }

  /**
   * Writes a frame's answer (one reply, or a batch for a batch) and what must follow it. `page`: the
   * session's page when the frame came; a new page took the session over since (a reload, or the next
   * leader tab of lifeline-ws/share), so the answer is for calls it never made and is not sent. The
   * finishes still run (a keyed request's answer is remembered for its repeat).
   */
  function write(finishes: (Finish | undefined)[], peer: Peer<Auth>, text: string, tracked: boolean, page: number | undefined) {
    const replies: Message[] = []
    const after: string[] = []
    for (const finish of finishes) {
      const out = finish?.()
      if (out?.reply) replies.push(out.reply)
      if (out?.after) after.push(...out.after)
    }
    if (replies.length && !(tracked && page !== peer.session?.page)) {
      // A batch is answered with a batch, even of one.
      const reply = replies.length > 1 || /^\s*\[/.test(text) ? replies : replies[0]!
      if (tracked) peer.reply(reply)
      else link.send(protocol.encode(reply))
    }
    for (const replay of after) link.send(replay)
    options.idle(peer)
  }

  function receive(data: RawData, isBinary: boolean) {
    if (overLimit(1)) return
    link.alive = true
    if (link.held) {
      link.held.push({ data, isBinary })
      return
    }
    const report = (err: unknown) => options.report(err, link.peer?.ctx)
    try {
      frame(data, isBinary)?.catch(report)
    } catch (err) {
      // Answered synchronously: what would have been a rejection is thrown here.
      report(err)
    }
  }

  return receive
}
