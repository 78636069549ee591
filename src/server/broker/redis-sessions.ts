/**
 * A {@link SessionStore} on Redis: sessions handed over by a graceful
 * `close()` wait in Redis, so any process sharing it resumes them. One key
 * per waiting session, with the session's own expiry (PXAT): Redis forgets
 * it at the ttl, nobody has to sweep.
 * @module
 */
import type { Redis } from 'ioredis'
import type { SessionState, SessionStore } from '../session-store'
import { connectRedis, release, whenReady, type RedisClientLike } from './redis-connect'

/** Options of {@link redisSessionStore}: `url` or `client`. */
export interface RedisSessionStoreOptions {
  /** Redis to connect to, as `redis://[user:password@]host:port[/db]`. */
  url?: string
  /** An ioredis client to duplicate (the store opens a connection of its own and never closes yours). */
  client?: RedisClientLike
  /** Prefix of every key; use the broker's. @default 'lifeline:' */
  prefix?: string
}

/**
 * A {@link SessionStore} on Redis. Atomic where it must be: `take` is one `GETDEL` (two servers
 * never resume one session), `save` one `SET … PXAT expires`. Close it with `close()` after the
 * server(s) using it.
 * @example
 * import { createServer, redisBroker, redisSessionStore } from 'lifeline-ws/server'
 * const url = process.env.REDIS_URL
 * const store = redisSessionStore({ url })
 * const server = createServer({ port: 8080, broker: redisBroker({ url }), sessions: { store } })
 * process.on('SIGTERM', async () => { await server.close(); await store.close() })
 */
export function redisSessionStore(options: RedisSessionStoreOptions): SessionStore & { close(): Promise<void> } {
  if (typeof options != 'object' || options === null) throw new TypeError('lifeline-ws/server: redisSessionStore takes { url } or { client }')
  const { url, client } = options
  if ((url === undefined) === (client === undefined)) throw new TypeError('lifeline-ws/server: redisSessionStore needs exactly one of url or client')
  if (url !== undefined && (typeof url != 'string' || !/^rediss?:\/\//.test(url))) throw new TypeError('lifeline-ws/server: redisSessionStore url must start with redis:// or rediss://')
  if (client !== undefined && typeof client?.duplicate != 'function') throw new TypeError('lifeline-ws/server: redisSessionStore client must be an ioredis client')
  const prefix = options.prefix ?? 'lifeline:'
  if (typeof prefix != 'string') throw new TypeError('lifeline-ws/server: redisSessionStore prefix must be a string')
  const key = (id: string) => `${prefix}session:${id}`

  let connecting: Promise<Redis> | undefined
  const connection = () => {
    connecting ??= connectRedis({ url, client }, 'lifeline-sessions').then(async (made) => {
      // Failures surface through the operations that fail; reconnecting is ioredis's.
      made.on('error', () => {})
      await whenReady(made)
      return made
    })
    return connecting
  }
  const failed = (what: string, err: unknown) =>
    new Error(`lifeline-ws/server: ${what} failed: Redis is unavailable (${err instanceof Error ? err.message : String(err)})`, { cause: err })

  return {
    async save(state) {
      const redis = await connection()
      try {
        if (state.expires <= Date.now()) await redis.del(key(state.id))
        else await redis.set(key(state.id), JSON.stringify(state), 'PXAT', state.expires)
      } catch (err) {
        throw failed(`saving session ${state.id}`, err)
      }
    },
    async take(id) {
      const redis = await connection()
      let saved: string | null
      try {
        saved = await redis.getdel(key(id))
      } catch (err) {
        throw failed('taking a session', err)
      }
      if (saved === null) return undefined
      const state = JSON.parse(saved) as SessionState
      return state.expires > Date.now() ? state : undefined
    },
    async close() {
      if (connecting) await release(await connecting)
    },
  }
}
