/**
 * Topic subscriptions of one socket (docs/protocol.md, "Topics and cursors"):
 * `rpc.subscribe` checked, bounded by `maxSubscriptions`, authorized, then
 * committed with its replay when its answer is written; `rpc.unsubscribe`
 * at any time, which also cancels a subscribe still being authorized.
 * @module
 */
import { RpcError } from '../../errors'
import type { Outcome } from './inbound'
import { Forbidden, TooManySubscriptions, type Codes } from './codes'
import type { Link } from '../connection/connection'
import type { PreparedSubscribe, Topics } from '../topics/topics'
import type { Context, ServerOptions } from '../types'
import { isRecord } from '../values'

/** What a socket's subscriptions need from its server. @internal */
export interface SubscribeOptions<Auth> {
  topics: Topics
  codes: Codes
  maxSubscriptions: number
  authorizeSubscribe: ServerOptions<Auth>['authorizeSubscribe']
}

/** @internal */
export interface SocketSubscriptions<Auth> {
  /** Decide an `rpc.subscribe`; the returned function runs when its answer is written. */
  subscribe(params: unknown, ctx: Context<Auth>): Promise<() => Outcome>
  /** An `rpc.unsubscribe` (params as sent). */
  unsubscribe(params: unknown): void
}


/** @internal */
export function createSubscribe<Auth>(link: Link<Auth>, options: SubscribeOptions<Auth>): SocketSubscriptions<Auth> {
  // Subscribes waiting for authorizeSubscribe; an unsubscribe meanwhile cancels them.
  const waiting = new Map<string, object>()

  async function subscribe(params: unknown, ctx: Context<Auth>): Promise<() => Outcome> {
    const after = isRecord(params) ? params.after : undefined
    const validAfter = after === undefined || (Number.isSafeInteger(after) && (after as number) >= 0)
    if (!isRecord(params) || typeof params.topic != 'string' || !params.topic || !validAfter) throw new RpcError(options.codes.invalidParams, 'Invalid params')
    const topic = params.topic
    if (!link.topics.has(topic) && link.topics.size + waiting.size >= options.maxSubscriptions) {
      throw new RpcError(TooManySubscriptions, 'Too many subscriptions')
    }
    const token = {}
    waiting.set(topic, token)
    try {
      if (options.authorizeSubscribe && !(await options.authorizeSubscribe(topic, ctx, params.params))) throw new RpcError(Forbidden, 'Forbidden')
    } catch (err) {
      if (waiting.get(topic) === token) waiting.delete(topic)
      throw err
    }
    let prepared: PreparedSubscribe
    try {
      // Live messages are held for this socket from here on, while the history is read.
      prepared = await options.topics.prepare(link, topic, after as number | undefined)
    } catch (err) {
      if (waiting.get(topic) === token) waiting.delete(topic)
      throw err
    }
    return () => {
      // Unsubscribed (or gone) while being authorized: confirm without subscribing.
      if (waiting.get(topic) !== token || !link.open) {
        prepared.cancel()
        return { result: null }
      }
      waiting.delete(topic)
      const { result, replay } = prepared.commit()
      return { result, after: replay }
    }
  }

  return {
    subscribe,
    unsubscribe(params) {
      const topic = isRecord(params) ? params.topic : undefined
      if (typeof topic != 'string') return
      waiting.delete(topic)
      options.topics.remove(link, topic)
    },
  }
}
