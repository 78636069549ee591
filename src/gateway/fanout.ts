/**
 * `/api/notify` and `/api/disconnect` act on one user's connections, which may be held by any
 * gateway process. Alone, a process acts on its own `server.clients`; on Redis, the order is
 * published on a channel that every gateway process with the same prefix listens to, and each acts
 * on the connections it holds. Redis pub/sub is at most once: a process that is down (or a session
 * being handed between processes at that moment) misses it. Messages that must arrive go to a topic.
 * @module
 */
import { randomUUID } from 'node:crypto'
import type { Redis } from 'ioredis'
import type { Context } from '../server/index'
import type { GatewayUser } from './identity'
import type { Logger } from './log'

/** An order for one user's connections. */
export type Order =
  | { kind: 'notify'; user: string; event: string; params: unknown }
  | { kind: 'disconnect'; user: string; code: number; reason: string }

/** Carries orders to every process holding a connection of the user. */
export interface Fanout {
  /** Act on the user's connections everywhere; resolves with how many processes took the order. */
  send(order: Order): Promise<number>
  /** False while Redis is unreachable (/readyz says so). */
  healthy(): boolean
  close(): Promise<void>
}

/** Act on the connections of `order.user` among `clients`; returns how many there were. */
export function applyOrder(clients: ReadonlyMap<string, Context<GatewayUser>>, order: Order): number {
  let reached = 0
  for (const ctx of [...clients.values()]) {
    if (ctx.auth?.user !== order.user) continue
    reached++
    if (order.kind === 'notify') ctx.notify(order.event, order.params)
    else ctx.close(order.code, order.reason)
  }
  return reached
}

/** This process only. */
export function localFanout(clients: ReadonlyMap<string, Context<GatewayUser>>): Fanout {
  return {
    send(order) {
      applyOrder(clients, order)
      return Promise.resolve(1)
    },
    healthy: () => true,
    close: () => Promise.resolve(),
  }
}

// Like the broker's connections: fail at once while Redis is away instead of queueing, retry for ever,
// and subscribe again ourselves (ioredis's own resubscribe leaves its rejection unhandled when the
// connection drops right after it is ready, which ends a Node process by default).
const settings = {
  enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true, autoResubscribe: false,
  retryStrategy: (times: number) => Math.min(times * 100, 2000),
}

/** Every gateway process on `url` with `prefix`; resolves once subscribed. */
export async function redisFanout(url: string, prefix: string, clients: ReadonlyMap<string, Context<GatewayUser>>, log: Logger): Promise<Fanout> {
  const { Redis: RedisClass } = await import('ioredis')
  const channel = `${prefix}gateway:orders`
  const self = randomUUID()
  const publisher: Redis = new RedisClass(url, { ...settings, connectionName: 'lifeline-gateway-orders' })
  const subscriber: Redis = new RedisClass(url, { ...settings, connectionName: 'lifeline-gateway-orders-sub' })
  for (const connection of [publisher, subscriber]) connection.on('error', (err: Error) => log.warn('redis connection error', { error: err }))
  subscriber.on('message', (_channel: string, text: string) => {
    try {
      const { from, order } = JSON.parse(text) as { from: string; order: Order }
      // This process acted on its own connections when it published.
      if (from !== self) applyOrder(clients, order)
    } catch (err) {
      log.error('bad order on the gateway channel', { error: err })
    }
  })
  let subscribed = false
  subscriber.on('ready', () => {
    // Each reconnect after the first subscribe; a failure is told, and the next reconnect tries again.
    if (subscribed) subscriber.subscribe(channel).catch((err: unknown) => log.warn('redis subscribe again failed', { error: err }))
  })
  await Promise.all([publisher.connect(), subscriber.connect()])
  await subscriber.subscribe(channel)
  subscribed = true
  return {
    async send(order) {
      applyOrder(clients, order)
      // Each receiver counts, this process among them.
      return publisher.publish(channel, JSON.stringify({ from: self, order }))
    },
    healthy: () => publisher.status === 'ready' && subscriber.status === 'ready',
    async close() {
      subscriber.disconnect()
      await publisher.quit().catch(() => publisher.disconnect())
    },
  }
}
