/**
 * A {@link SessionStore} on Redis: sessions handed over by a graceful
 * `close()` wait in Redis, so any process sharing it resumes them. One key
 * per waiting session, with the session's own expiry (PXAT): Redis forgets
 * it at the ttl, nobody has to sweep. With `writeThrough`, live sessions
 * are kept in Redis as frames flow (redis-journal.ts), so they also survive
 * a crash.
 * @module
 */
import { SessionTakenError, type BroadcastStamp, type SessionState, type SessionStore } from '../../sessions/store'
import { commandTimeoutOption, connectRedis, redisDeadline, release, unavailableReason, whenReady, type RedisClientLike } from './redis-connect'
import { createArgs, defineJournalScripts, isTakenReply, journalKeys, openJournal, takeJournal, type JournalRedis } from './redis-journal'
import { broadcastToWaiting, defineWaitingScripts, saveWaiting, takeWaiting, type WaitingRedis } from './redis-waiting'

/** Options of {@link redisSessionStore}: `url` or `client`. */
export interface RedisSessionStoreOptions {
  /** Redis to connect to, as `redis://[user:password@]host:port[/db]`. */
  url?: string
  /** An ioredis client to duplicate (the store opens a connection of its own and never closes yours). */
  client?: RedisClientLike
  /** Prefix of every key; use the broker's. @default 'lifeline:' */
  prefix?: string
  /**
   * Write each live session through to Redis as frames flow (one script call, so one round trip,
   * per tracked frame each way), so a process killed with SIGKILL loses no session: its clients
   * resume on another process exactly once in both directions (docs/scaling.md, "Sessions after a
   * crash"). Off: sessions reach Redis only through a graceful `close()`.
   * @default false
   * @example
   * const store = redisSessionStore({ url: process.env.REDIS_URL, writeThrough: true })
   */
  writeThrough?: boolean
  /**
   * Milliseconds Redis has to answer each command. With `writeThrough`, a session whose write gets no
   * answer within this (a Redis paused with its socket open) is let go with 1012, and the write never
   * counts later (docs/scaling.md, "When Redis fails").
   * @default 1000
   * @example
   * redisSessionStore({ url: process.env.REDIS_URL, writeThrough: true, commandTimeout: 500 })
   */
  commandTimeout?: number
}

/**
 * A {@link SessionStore} on Redis. Atomic where it must be: `take` removes a session in one step (two
 * servers never resume one session), `save` writes it whole in one, and `server.broadcast` appends its
 * event to every session waiting in Redis in one, so a broadcast and a take never cross (the session
 * gets it once: among the frames taken, or live after). With `writeThrough: true` every live session
 * is kept in Redis as its frames flow, and `take` moves its ownership to the taker (fencing off the
 * process it leaves). Close it with `close()` after the server(s) using it.
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
  const writeThrough = options.writeThrough ?? false
  if (typeof writeThrough != 'boolean') throw new TypeError('lifeline-ws/server: redisSessionStore writeThrough must be a boolean')
  const commandTimeout = commandTimeoutOption('redisSessionStore', options.commandTimeout)

  // Every operation's first step awaits this one promise, so its commands leave in the order the
  // operations were called: a take and a broadcast take effect in Redis in that order (SessionStore.broadcast).
  let connecting: Promise<StoreRedis> | undefined
  let deadline = () => Date.now() + commandTimeout
  const connection = () => {
    connecting ??= connectRedis({ url, client, commandTimeout }, 'lifeline-sessions').then(async (made) => {
      // Failures surface through the operations that fail; reconnecting is ioredis's.
      made.on('error', () => {})
      await whenReady(made)
      deadline = redisDeadline(made, commandTimeout)
      return defineWaitingScripts(defineJournalScripts(made))
    })
    return connecting
  }
  const failed = (what: string, err: unknown) =>
    new Error(`lifeline-ws/server: ${what} failed: Redis is unavailable (${unavailableReason(err, commandTimeout)})`, { cause: err })

  // Sessions waiting in Redis get each broadcast of the server that calls it (both kinds of session).
  const broadcast = async (frame: string, maxBytes: number, stamp?: BroadcastStamp) => {
    const redis = await connection()
    try {
      await broadcastToWaiting(redis, prefix, frame, maxBytes, deadline(), stamp)
    } catch (err) {
      throw failed('a broadcast to the sessions waiting in Redis', err)
    }
  }

  if (writeThrough) return writeThroughStore(connection, prefix, failed, () => deadline(), broadcast)
  return {
    async save(state) {
      const redis = await connection()
      try {
        await saveWaiting(redis, prefix, state)
      } catch (err) {
        throw failed(`saving session ${state.id}`, err)
      }
    },
    async take(id) {
      const redis = await connection()
      let state: SessionState | undefined
      try {
        state = await takeWaiting(redis, prefix, id)
      } catch (err) {
        throw failed('taking a session', err)
      }
      return state && state.expires > Date.now() ? state : undefined
    },
    broadcast,
    async close() {
      if (connecting) await release(await connecting)
    },
  }
}

/** The store's connection, with the scripts of both kinds of session defined on it. */
type StoreRedis = JournalRedis & WaitingRedis

/** The {@link redisSessionStore} with `writeThrough`: live sessions are kept in Redis as they change. */
function writeThroughStore(
  connection: () => Promise<StoreRedis>,
  prefix: string,
  failed: (what: string, err: unknown) => Error,
  deadline: () => number,
  broadcast: (frame: string, maxBytes: number, stamp?: BroadcastStamp) => Promise<void>,
): SessionStore & { close(): Promise<void> } {
  let used = false
  const connect = () => {
    used = true
    return connection()
  }
  return {
    async save(state) {
      const redis = await connect()
      const keys = journalKeys(prefix, state.id)
      try {
        // Written through already: only the expiry changes, and any process may take it. The counts in
        // Redis are the truth (a frame counted there may not have reached this process's memory yet).
        if ((await redis.lifelineRelease(keys, '', state.expires, state.id)) === 1) return
        const ttl = state.expires - Date.now()
        if (ttl > 0) await redis.lifelineCreate(keys, '', ttl, ...createArgs(state))
      } catch (err) {
        throw failed(`saving session ${state.id}`, err)
      }
    },
    async take(id) {
      const redis = await connect()
      try {
        // Both kinds at once: a session handed over by a process without writeThrough (turning it on in a
        // rolling deploy) starts its journal from the saved one. Sent together, before any broadcast called
        // after this take, so no broadcast lands in a saved session between the two.
        const [taken, saved] = await Promise.all([takeJournal(redis, prefix, id), takeWaiting(redis, prefix, id)])
        if (taken) return taken
        return saved && saved.expires > Date.now() ? saved : undefined
      } catch (err) {
        throw failed('taking a session', err)
      }
    },
    broadcast: (frame, maxBytes, stamp) => {
      used = true
      return broadcast(frame, maxBytes, stamp)
    },
    journal: (state) =>
      openJournal(connect, prefix, state, {
        deadline,
        failed: (err) => (isTakenReply(err) ? new SessionTakenError(state.id, { cause: err }) : failed(`writing session ${state.id} through`, err)),
      }),
    async close() {
      if (used) await release(await connection())
    },
  }
}
