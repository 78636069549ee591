/**
 * The Redis broker's connections: one for commands, one for pub/sub, both
 * ours (made from a URL, or duplicated from the app's client, never the
 * app's own), with the settings the broker's failure rules need: fail
 * fast while Redis is away, and give every command a deadline, so that a
 * Redis that stops answering without closing its socket (a paused VM, a
 * partition, SIGSTOP) fails like one that went away.
 * @module
 */
import type { Redis, RedisOptions } from 'ioredis'

/** An ioredis client (`new Redis(...)`), as far as the broker uses it: it duplicates it. */
export interface RedisClientLike {
  duplicate(override?: object): unknown
}

/** Where the broker connects: a URL, or an existing ioredis client to duplicate; and the command deadline. @internal */
export interface RedisTarget {
  url?: string | undefined
  client?: RedisClientLike | undefined
  /** ms: every command answers within this or rejects (`commandTimeout` of redisBroker and redisSessionStore). */
  commandTimeout: number
}

/** The default `commandTimeout`, ms: far above a healthy Redis's answer, well under a client's patience. */
export const COMMAND_TIMEOUT = 1000

const settings = (commandTimeout: number): RedisOptions => ({
  // Fail fast instead of queueing while Redis is away: a publish must reject with a clear error, and
  // memory must stay bounded. Reconnect for ever, at most every 2 s.
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  lazyConnect: true,
  retryStrategy: (times: number) => Math.min(times * 100, 2000),
  // A Redis that stops answering with its socket open: each command rejects at its deadline, and a
  // connection that brings no byte for that long while commands wait is dropped and made again (its
  // waiting commands reject; until it is ready, new ones fail at once). So what waits on a frozen
  // Redis is one deadline's worth of commands, not everything sent while it is frozen.
  commandTimeout,
  socketTimeout: commandTimeout,
  // A command given up on must never run later: not sent again after a reconnect.
  autoResendUnfulfilledCommands: false,
  // The broker subscribes again itself on every reconnect, and hears if that fails. ioredis's own
  // resubscribe leaves its promise unhandled: when the connection drops again right after it is
  // ready (a Redis restarting), the rejection is unhandled, which ends a Node process by default.
  autoResubscribe: false,
})

/** A new connection to `target`. Connecting is left to the caller. @internal */
export async function connectRedis(target: RedisTarget, name: string): Promise<Redis> {
  const options = { ...settings(target.commandTimeout), connectionName: name }
  if (target.client) return target.client.duplicate(options) as Redis
  // Loaded on use: the server entry does not require ioredis unless a Redis broker is made.
  const { Redis: RedisClass } = await import('ioredis')
  return new RedisClass(target.url!, options)
}

/** Checks the `commandTimeout` option of redisBroker or redisSessionStore. @internal */
export function commandTimeoutOption(owner: string, value: number | undefined): number {
  const resolved = value ?? COMMAND_TIMEOUT
  if (!Number.isInteger(resolved) || resolved < 1) throw new RangeError(`lifeline-ws/server: ${owner} commandTimeout must be an integer >= 1 (ms)`)
  return resolved
}

/** Why a command failed, for an error message: its deadline passing reads as such. @internal */
export function unavailableReason(err: unknown, commandTimeout: number): string {
  const reason = err instanceof Error ? err.message : String(err)
  if (reason === 'Command timed out') return `no answer within ${commandTimeout} ms`
  return reason
}

/**
 * A deadline in Redis's own clock for a script to check with TIME, so that a command Redis runs only
 * after the caller gave up on it (it sat in a frozen Redis's socket buffer) does nothing: its caller was
 * told it failed. Half the command's deadline, so an answer from a script that ran in time has the other
 * half to arrive. The offset between the two clocks is measured at every (re)connect. @internal
 */
export function redisDeadline(connection: Redis, commandTimeout: number): () => number {
  let offset = 0
  const measure = () => {
    const sent = Date.now()
    connection.time().then(
      ([seconds, micros]) => {
        offset = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000) - Math.round((sent + Date.now()) / 2)
      },
      () => {
        // Measured again at the next ready; until then the last offset (or none, on one machine) holds.
      },
    )
  }
  connection.on('ready', measure)
  if (connection.status === 'ready') measure()
  const budget = Math.max(1, Math.floor(commandTimeout / 2))
  return () => Date.now() + offset + budget
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
