/**
 * Topic subscriptions (docs/protocol.md, "Topics and cursors"): an
 * `rpc.subscribe` checked, bounded by `maxSubscriptions`, authorized, then
 * committed with its replay when its answer is written; an
 * `rpc.unsubscribe` at any time, which also withdraws a subscribe still
 * being authorized. One per server: what a connection is subscribing to
 * right now is kept here, by connection, and only while it lasts.
 * @module
 */
import { RpcError } from '../../errors'
import type { Connection } from '../connection/types'
import type { PreparedSubscribe, Topics } from '../topics/topics'
import type { Context, ServerOptions } from '../types'
import { isCount, isRecord } from '../../checks'
import type { Granted } from './answers'
import { Forbidden, TooManySubscriptions, type Codes } from './codes'

/** What subscriptions need from their server. @internal */
export interface SubscribeOptions<Auth> {
  topics: Topics
  codes: Codes
  maxSubscriptions: number
  authorizeSubscribe: ServerOptions<Auth>['authorizeSubscribe']
}

/** @internal */
export interface Subscriptions<Auth> {
  /** Decide an `rpc.subscribe` on `connection`; the returned function runs when its answer is written. */
  subscribe(connection: Connection<Auth>, params: unknown, ctx: Context<Auth>): Promise<() => Granted>
  /** An `rpc.unsubscribe` on `connection` (params as sent). */
  unsubscribe(connection: Connection<Auth>, params: unknown): void
}

/** The longest `epoch` a subscribe may carry: the built-in histories' are 13 characters. */
const MAX_EPOCH = 64

/** @internal */
export function createSubscriptions<Auth>(options: SubscribeOptions<Auth>): Subscriptions<Auth> {
  // Per connection, the subscribes under way (authorizing, reading history) by topic; an unsubscribe
  // meanwhile withdraws them. A connection that is not subscribing has no entry.
  const underWay = new WeakMap<Connection<Auth>, Map<string, object>>()

  /** Forget the subscribe `token` of `topic` (unless another took its place). */
  const settled = (connection: Connection<Auth>, topic: string, token: object) => {
    const pending = underWay.get(connection)
    if (pending?.get(topic) !== token) return
    pending.delete(topic)
    if (!pending.size) underWay.delete(connection)
  }

  async function subscribe(connection: Connection<Auth>, params: unknown, ctx: Context<Auth>): Promise<() => Granted> {
    const after = isRecord(params) ? params.after : undefined
    const validAfter = after === undefined || (isCount(after))
    const epoch = isRecord(params) ? params.epoch : undefined
    const validEpoch = epoch === undefined || (typeof epoch == 'string' && epoch.length <= MAX_EPOCH)
    if (!isRecord(params) || typeof params.topic != 'string' || !params.topic || !validAfter || !validEpoch) {
      throw new RpcError(options.codes.invalidParams, 'Invalid params')
    }
    const topic = params.topic
    const pending = underWay.get(connection) ?? new Map<string, object>()
    if (!connection.topics.has(topic) && connection.topics.size + pending.size >= options.maxSubscriptions) {
      throw new RpcError(TooManySubscriptions, 'Too many subscriptions')
    }
    const token = {}
    pending.set(topic, token)
    underWay.set(connection, pending)
    let prepared: PreparedSubscribe
    try {
      if (options.authorizeSubscribe && !(await options.authorizeSubscribe(topic, ctx, params.params))) throw new RpcError(Forbidden, 'Forbidden')
      // Live messages are held for this connection from here on, while the history is read.
      prepared = await options.topics.prepare(connection, topic, after as number | undefined, epoch)
    } catch (err) {
      settled(connection, topic, token)
      throw err
    }
    return () => {
      // Unsubscribed (or gone) while being authorized: confirm without subscribing.
      const withdrawn = underWay.get(connection)?.get(topic) !== token || !connection.writable
      settled(connection, topic, token)
      if (withdrawn) {
        prepared.cancel()
        return { result: null }
      }
      const { result, replay } = prepared.commit()
      return { result, replay }
    }
  }

  return {
    subscribe,
    unsubscribe(connection, params) {
      const topic = isRecord(params) ? params.topic : undefined
      if (typeof topic != 'string') return
      const pending = underWay.get(connection)
      pending?.delete(topic)
      if (pending && !pending.size) underWay.delete(connection)
      options.topics.remove(connection, topic)
    },
  }
}
