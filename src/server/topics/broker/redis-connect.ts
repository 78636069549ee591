/**
 * The Redis broker's connections: one for commands, one for pub/sub, both
 * ours (made from a URL, or duplicated from the app's client, never the
 * app's own), with the settings the broker's failure rules need.
 * @module
 */
import type { Redis, RedisOptions } from 'ioredis'

/** An ioredis client (`new Redis(...)`), as far as the broker uses it: it duplicates it. */
export interface RedisClientLike {
  duplicate(override?: object): unknown
}

/** Where the broker connects: a URL, or an existing ioredis client to duplicate. @internal */
export interface RedisTarget {
  url?: string | undefined
  client?: RedisClientLike | undefined
}

// Fail fast instead of queueing while Redis is away: a publish must reject with a clear error, and
// memory must stay bounded. Reconnect for ever, at most every 2 s.
const settings: RedisOptions = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  lazyConnect: true,
  retryStrategy: (times: number) => Math.min(times * 100, 2000),
}

/** A new connection to `target`. Connecting is left to the caller. @internal */
export async function connectRedis(target: RedisTarget, name: string): Promise<Redis> {
  if (target.client) return target.client.duplicate({ ...settings, connectionName: name }) as Redis
  // Loaded on use: the server entry does not require ioredis unless a Redis broker is made.
  const { Redis: RedisClass } = await import('ioredis')
  return new RedisClass(target.url!, { ...settings, connectionName: name })
}

/** Resolve once `connection` is ready (it retries by itself until then). @internal */
export function whenReady(connection: Redis): Promise<void> {
  if (connection.status === 'ready') return Promise.resolve()
  return new Promise((resolve) => {
    connection.once('ready', () => resolve())
    if (connection.status === 'wait') connection.connect().catch(() => {
      // Failed first attempts are retried by ioredis (retryStrategy); 'ready' comes later.
    })
  })
}

/** Close a connection of ours: politely when it is up, at once when it is not. @internal */
export async function release(connection: Redis): Promise<void> {
  if (connection.status === 'ready') {
    try {
      await connection.quit()
      return
    } catch {
      // It went away meanwhile.
    }
  }
  connection.disconnect()
}
