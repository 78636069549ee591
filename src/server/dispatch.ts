/**
 * Inbound frames of one connection: decode, route each message (ping,
 * subscribe, unsubscribe, methods, answers to the server's own calls),
 * enforce the in-flight limit, and answer: one reply per request, batches
 * as one batch, topic replays right after the subscribe answer.
 * @module
 */
import type { RawData } from 'ws'
import { isRpcError, RpcError } from '../errors'
import { InternalError, InvalidParams, InvalidRequest, MethodNotFound, ParseError } from '../protocol/json-rpc'
import type { ErrorObject, Id, Message, Protocol } from '../protocol/protocol'
import type { Conn } from './connection'
import type { Topics } from './topics'
import type { Context, MethodHandler, ServerOptions, ServerStats } from './types'

/** Error code: the connection already has `maxInFlight` requests running. */
export const TooManyRequests = -32000
/** Error code: the connection already has `maxSubscriptions` topics. */
export const TooManySubscriptions = -32001
/** Error code: `authorizeSubscribe` refused the topic. */
export const Forbidden = 403

/** What a connection's dispatcher needs from its server. @internal */
export interface DispatchOptions<Auth> {
  protocol: Protocol
  methods: ReadonlyMap<string, MethodHandler<Auth>>
  topics: Topics
  stats: ServerStats
  maxSubscriptions: number
  authorizeSubscribe: ServerOptions<Auth>['authorizeSubscribe']
  /** True once `close()` began: new work is not started. */
  closing(): boolean
  /** A frame was fully answered. */
  idle(conn: Conn<Auth>): void
  report(err: unknown, ctx?: Context<Auth>): void
}

type Outcome = { result: unknown; after?: string[] }
/** Runs synchronously when the answer is written, so nothing is published in between. */
type Finish = () => { reply?: Message; after?: string[] }

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value == 'object' && value !== null && !Array.isArray(value)
const fail = (id: Id | null, error: ErrorObject): Message => ({ type: 'error', id, error })

/** Longest method name quoted back in a -32601 message: a client cannot make the server echo megabytes. */
const QUOTED_NAME = 100

/** -32601 names the method, so a typo (`room.jion`) is visible in the client's error. @internal */
export function methodNotFound(method: string): ErrorObject {
  const quoted = method.length > QUOTED_NAME ? `${method.slice(0, QUOTED_NAME)}…` : method
  return { code: MethodNotFound, message: `Method not found: ${quoted}` }
}

/** @internal */
export function createDispatch<Auth>(conn: Conn<Auth>, options: DispatchOptions<Auth>): (data: RawData, isBinary: boolean) => void {
  const { protocol, stats } = options
  // Subscribes waiting for authorizeSubscribe; an unsubscribe meanwhile cancels them.
  const waiting = new Map<string, object>()

  const toError = (err: unknown): ErrorObject => {
    if (isRpcError(err) && Number.isInteger(err.code)) {
      return err.data === undefined ? { code: err.code, message: String(err.message) } : { code: err.code, message: String(err.message), data: err.data }
    }
    options.report(err, conn.ctx)
    return { code: InternalError, message: 'Internal error' }
  }

  async function subscribe(params: unknown): Promise<() => Outcome> {
    const after = isRecord(params) ? params.after : undefined
    if (!isRecord(params) || typeof params.topic != 'string' || !params.topic ||
      (after !== undefined && !(Number.isSafeInteger(after) && (after as number) >= 0))) throw new RpcError(InvalidParams, 'Invalid params')
    const topic = params.topic
    if (!conn.topics.has(topic) && conn.topics.size + waiting.size >= options.maxSubscriptions) {
      throw new RpcError(TooManySubscriptions, 'Too many subscriptions')
    }
    const token = {}
    waiting.set(topic, token)
    try {
      if (options.authorizeSubscribe && !(await options.authorizeSubscribe(topic, conn.ctx, params.params))) throw new RpcError(Forbidden, 'Forbidden')
    } catch (err) {
      if (waiting.get(topic) === token) waiting.delete(topic)
      throw err
    }
    return () => {
      // Unsubscribed (or gone) while being authorized: confirm without subscribing.
      if (waiting.get(topic) !== token || conn.socket.readyState !== conn.socket.OPEN) return { result: null }
      waiting.delete(topic)
      const { result, replay } = options.topics.add(conn, topic, after as number | undefined)
      return { result, after: replay }
    }
  }

  async function run(message: Message): Promise<Finish | undefined> {
    if (message.type == 'response' || message.type == 'error') {
      if (message.id !== null) conn.settle(message)
      return
    }
    const id = message.type == 'request' ? message.id : undefined
    const answer = (outcome: Outcome): Finish => () => ({
      ...(id !== undefined && { reply: { type: 'response', id, result: outcome.result } }),
      ...(outcome.after && { after: outcome.after }),
    })
    const error = (failure: ErrorObject): Finish | undefined => {
      if (id === undefined) return
      stats.errors++
      return () => ({ reply: fail(id, failure) })
    }
    if (message.method === protocol.ping) return answer({ result: 'pong' })
    // Draining for close(): new work waits for the next server; the client resends after 1012.
    if (options.closing()) return
    if (message.method === protocol.unsubscribe) {
      const topic = isRecord(message.params) ? message.params.topic : undefined
      if (typeof topic == 'string') {
        waiting.delete(topic)
        options.topics.remove(conn, topic)
      }
      return answer({ result: null })
    }
    if (message.method === protocol.subscribe) {
      // Protocol work, not application work: a resubscribe batch of 1,000 topics must not trip maxInFlight.
      stats.calls++
      try {
        const finish = await subscribe(message.params)
        return () => answer(finish())()
      } catch (err) {
        return error(toError(err))
      }
    }
    if (!options.methods.has(message.method)) return error(methodNotFound(message.method))
    const admission = conn.work.admit(id !== undefined)
    if (admission === 'refused') return error({ code: TooManyRequests, message: 'Too many requests' })
    if (admission !== 'now') await admission
    stats.calls++
    try {
      const result: unknown = await options.methods.get(message.method)!(message.params, conn.ctx)
      return answer({ result })
    } catch (err) {
      return error(toError(err))
    } finally {
      conn.work.release()
    }
  }

  async function frame(data: RawData, isBinary: boolean) {
    conn.alive = true
    const text = isBinary ? undefined : String(data)
    let messages: Message[]
    try {
      if (text === undefined) throw new TypeError('binary frame')
      messages = protocol.decode(text)
    } catch (err) {
      stats.malformed++
      const parse = text === undefined || (err as { cause?: unknown }).cause instanceof SyntaxError
      conn.write(fail(null, parse ? { code: ParseError, message: 'Parse error' } : { code: InvalidRequest, message: 'Invalid Request' }))
      return
    }
    const finishes = await Promise.all(messages.map(run))
    const replies: Message[] = []
    const after: string[] = []
    for (const finish of finishes) {
      const out = finish?.()
      if (out?.reply) replies.push(out.reply)
      if (out?.after) after.push(...out.after)
    }
    // A batch is answered with a batch, even of one.
    if (replies.length) conn.write(replies.length > 1 || /^\s*\[/.test(text) ? replies : replies[0]!)
    for (const replay of after) conn.send(replay)
    options.idle(conn)
  }

  return (data, isBinary) => {
    frame(data, isBinary).catch((err: unknown) => options.report(err, conn.ctx))
  }
}
