/**
 * The Redis broker (docs/scaling.md): every server process on one Redis
 * shares topic numbering, history and fan-out, broadcasts and counts.
 * A topic is a counter (INCR) and a capped stream (XADD MAXLEN) written
 * with the pub/sub message by one Lua script, so numbers, history and the
 * order every process receives are the same. Redis outages: publishing
 * fails with a clear error, clients stay connected, and when Redis comes
 * back the counters are restored (they never go backwards) and lost history
 * shows as `gap: true`.
 * @module
 */
import { randomUUID } from 'node:crypto'
import type { Redis } from 'ioredis'
import type { HistoryEntry } from '../history'
import type { Broker, BrokerHistory, BrokerSink } from './broker'
import { startCounts, type Counts } from './redis-counts'
import { commandTimeoutOption, connectRedis, redisDeadline, release, unavailableReason, whenReady, type RedisClientLike } from './redis-connect'
import { HISTORY, PUBLISH, RESTORE } from './redis-scripts'

export type { RedisClientLike } from './redis-connect'

/** Options of {@link redisBroker}: `url` or `client`. */
export interface RedisBrokerOptions {
  /** Redis to connect to, as `redis://[user:password@]host:port[/db]` (or `rediss://` for TLS). */
  url?: string
  /** An ioredis client to duplicate (the broker opens two connections of its own and never closes yours). */
  client?: RedisClientLike
  /** Prefix of every key and channel, so several apps (or tests) share one Redis. @default 'lifeline:' */
  prefix?: string
  /** Topic history kept in Redis: messages per topic, and their maximum age (ms; also the key's ttl). @default { limit: 100, maxAge: 300000 } */
  history?: { limit?: number; maxAge?: number }
  /** Milliseconds between two reports of this process's counts, for `server.cluster()`. @default 5000 */
  reportInterval?: number
  /**
   * Milliseconds Redis has to answer each command. A Redis that stops answering with its socket open
   * (a paused VM, a partition) then fails like one that went away: `publish` rejects within this, and a
   * publish that rejected is never applied later (docs/scaling.md, "When Redis fails").
   * @default 1000
   * @example
   * redisBroker({ url: process.env.REDIS_URL, commandTimeout: 500 })
   */
  commandTimeout?: number
}

/** How many topics a process remembers the latest number of (for restoring counters after Redis lost them). */
const REMEMBERED = 10_000
/** Counters restored per script call. */
const RESTORE_BATCH = 500

interface Scripts {
  lifelinePublish(...args: (string | number)[]): Promise<number>
  lifelineHistory(...args: (string | number)[]): Promise<[number, [string, string[]][]]>
  lifelineRestore(...args: (string | number)[]): Promise<number>
}

function integer(name: string, value: number | undefined, fallback: number, min: number) {
  const resolved = value ?? fallback
  if (!Number.isInteger(resolved) || resolved < min) throw new RangeError(`lifeline-ws/server: redisBroker ${name} must be an integer >= ${min}`)
  return resolved
}

const failure = (what: string, err: unknown, commandTimeout: number) => {
  const reason = unavailableReason(err, commandTimeout)
  const hint = reason.startsWith('LIFELINE_RESET') ? 'Redis lost its data and the sequence numbers are being restored; try again' : `Redis is unavailable (${reason})`
  return new Error(`lifeline-ws/server: ${what} failed: ${hint}`, { cause: err })
}

/**
 * A {@link Broker} on Redis: topics, history, broadcasts and counts shared by every server
 * process that uses the same Redis and `prefix`. Needs the `ioredis` package. With it,
 * `server.publish` returns a promise.
 * @example
 * import { createServer, redisBroker } from 'lifeline-ws/server'
 * const server = createServer({ port: 8080, broker: redisBroker({ url: process.env.REDIS_URL }) })
 * await server.ready // listening, and connected to Redis
 * await server.publish('news', { title: 'hello' }) // every subscriber on every process gets it
 */
export function redisBroker(options: RedisBrokerOptions): Broker & { publish(topic: string, data: unknown): Promise<number> } {
  if (typeof options != 'object' || options === null) throw new TypeError('lifeline-ws/server: redisBroker takes { url } or { client }')
  const { url, client } = options
  if ((url === undefined) === (client === undefined)) throw new TypeError('lifeline-ws/server: redisBroker needs exactly one of url or client')
  if (url !== undefined && (typeof url != 'string' || !/^rediss?:\/\//.test(url))) throw new TypeError('lifeline-ws/server: redisBroker url must start with redis:// or rediss://')
  if (client !== undefined && typeof client?.duplicate != 'function') throw new TypeError('lifeline-ws/server: redisBroker client must be an ioredis client')
  const prefix = options.prefix ?? 'lifeline:'
  if (typeof prefix != 'string') throw new TypeError('lifeline-ws/server: redisBroker prefix must be a string')
  const limit = integer('history.limit', options.history?.limit, 100, 0)
  const maxAge = integer('history.maxAge', options.history?.maxAge, 300_000, 1)
  const reportInterval = integer('reportInterval', options.reportInterval, 5000, 10)
  const commandTimeout = commandTimeoutOption('redisBroker', options.commandTimeout)
  const unavailable = (what: string, err: unknown) => failure(what, err, commandTimeout)

  const node = randomUUID()
  const keys = {
    seq: (topic: string) => `${prefix}seq:${topic}`,
    history: (topic: string) => `${prefix}history:${topic}`,
    epoch: `${prefix}epoch`,
    topics: `${prefix}topics`,
    broadcast: `${prefix}broadcast`,
  }
  let command: (Redis & Scripts) | undefined
  let deadline = () => Date.now() + commandTimeout
  let subscriber: Redis | undefined
  let sink: BrokerSink | undefined
  let counts: Counts | undefined
  let stopped = false
  // The latest number this process received per topic (pub/sub only: see receive()).
  const seen = new Map<string, number>()
  // Topics whose missing messages are being fetched: what arrives meanwhile waits here.
  const filling = new Map<string, { seq: number; data: unknown }[]>()

  const remember = (topic: string, seq: number) => {
    seen.delete(topic)
    seen.set(topic, seq)
    if (seen.size > REMEMBERED) seen.delete(seen.keys().next().value!)
  }
  const ready = () => {
    if (!command || command.status !== 'ready') throw new Error('not connected')
    return command
  }

  async function history(topic: string, after: number | undefined): Promise<BrokerHistory> {
    const [latest, entries] = await ready().lifelineHistory(keys.seq(topic), keys.history(topic), after ?? '')
    const seq = latest > 0 ? latest : null
    if (after === undefined) return { seq, messages: [], gap: false }
    const oldest = Date.now() - maxAge
    const messages: HistoryEntry[] = []
    for (const [id, fields] of entries) {
      const field = (name: string) => fields[fields.indexOf(name) + 1]!
      // Too old: forgotten, as the in-memory store forgets by age.
      if (Number(field('t')) < oldest) continue
      messages.push({ seq: Number(id.split('-')[0]), data: JSON.parse(field('d')) as unknown })
    }
    // The numbering restarted below the client's cursor (Redis lost its data): what is kept now is all new to it.
    if (after > latest) return { ...(await history(topic, 0)), gap: true }
    const first = messages[0]?.seq ?? latest + 1
    return { seq, messages, gap: first > after + 1 }
  }

  const accept = (topic: string, seq: number, data: unknown) => {
    remember(topic, seq)
    sink?.message(topic, seq, data)
  }

  /** Fetch what this process missed of `topic` after `last` (a lost pub/sub message, a reconnect), then what waited. */
  async function fill(topic: string, last: number, waiting: { seq: number; data: unknown }[]) {
    filling.set(topic, waiting)
    let fetched: HistoryEntry[] = []
    try {
      // The pub/sub connection may be back before the command connection: wait for it.
      if (command) await whenReady(command)
      fetched = (await history(topic, last)).messages
    } catch (err) {
      sink?.report(unavailable(`fetching missed messages of ${topic}`, err))
    }
    filling.delete(topic)
    const all = [...fetched, ...waiting].sort((a, b) => a.seq - b.seq)
    for (const message of all) if (message.seq > (seen.get(topic) ?? 0)) accept(topic, message.seq, message.data)
  }

  function receive(topic: string, seq: number, data: unknown) {
    const waiting = filling.get(topic)
    if (waiting) {
      waiting.push({ seq, data })
      return
    }
    const last = seen.get(topic)
    if (last !== undefined && seq <= last) return
    if (last !== undefined && seq > last + 1 && sink?.listening(topic)) {
      void fill(topic, last, [{ seq, data }])
      return
    }
    accept(topic, seq, data)
  }

  function onMessage(channel: string, payload: string) {
    try {
      if (channel === keys.topics) {
        const [topic, seq, data] = JSON.parse(payload) as [string, number, unknown]
        receive(topic, seq, data)
      } else if (channel === keys.broadcast) {
        // [node, event, params?, origin?, n?]: a stamp from processes that stamp their broadcasts.
        const [from, event, params, origin, n] = JSON.parse(payload) as [string, string, unknown, string?, number?]
        const stamp = typeof origin == 'string' && typeof n == 'number' ? { origin, n } : undefined
        if (from !== node) sink?.broadcast(event, params ?? undefined, stamp)
      }
    } catch (err) {
      sink?.report(err)
    }
  }

  /** Counters only move up: after Redis lost its data, put back the numbers this process knows, then the epoch. */
  async function restore() {
    const connection = ready()
    const known = [...seen]
    for (let start = 0; start < known.length || start === 0; start += RESTORE_BATCH) {
      const batch = known.slice(start, start + RESTORE_BATCH)
      await connection.lifelineRestore(1 + batch.length, keys.epoch, ...batch.map(([topic]) => keys.seq(topic)), node, ...batch.map(([, seq]) => seq))
    }
  }

  /** Report a lost connection once per outage, not at every retry. */
  const watch = (connection: Redis, name: string, onReady: () => void) => {
    let up = false
    // Until the first connection, the first failure is told too: `server.ready` waits for Redis.
    let starting = true
    const lost = (err: unknown) => {
      if ((!up && !starting) || stopped) return
      const what = up ? 'was lost' : 'cannot be opened'
      up = false
      starting = false
      sink?.report(new Error(`lifeline-ws/server: Redis is unavailable: the ${name} connection ${what} (${err instanceof Error ? err.message : String(err)}); reconnecting`, { cause: err }))
    }
    connection.on('error', lost)
    connection.on('close', () => lost('closed'))
    connection.on('ready', () => {
      up = true
      starting = false
      if (!stopped) onReady()
    })
  }

  return {
    async start(target) {
      sink = target
      const commands = (await connectRedis({ url, client, commandTimeout }, 'lifeline-commands')) as Redis & Scripts
      command = commands
      deadline = redisDeadline(commands, commandTimeout)
      commands.defineCommand('lifelinePublish', { numberOfKeys: 3, lua: PUBLISH })
      commands.defineCommand('lifelineHistory', { numberOfKeys: 2, lua: HISTORY })
      commands.defineCommand('lifelineRestore', { lua: RESTORE })
      const listener = await connectRedis({ url, client, commandTimeout }, 'lifeline-pubsub')
      subscriber = listener
      listener.on('message', onMessage)
      watch(commands, 'command', () => {
        restore().catch((err: unknown) => sink?.report(unavailable('restoring sequence numbers', err)))
      })
      let first = true
      watch(listener, 'pub/sub', () => {
        if (first) return
        // Subscribed again first (ioredis does it too; the reply says it is done), then what was
        // published while we were away is fetched: nothing falls between the two.
        listener.subscribe(keys.topics, keys.broadcast).then(
          () => {
            for (const [topic, last] of seen) if (sink?.listening(topic) && !filling.has(topic)) void fill(topic, last, [])
          },
          (err: unknown) => sink?.report(unavailable('subscribing again', err)),
        )
      })
      await Promise.all([whenReady(commands), whenReady(listener)])
      await listener.subscribe(keys.topics, keys.broadcast)
      first = false
      await restore()
      counts = startCounts(commands, { prefix, node, interval: reportInterval, counts: () => target.counts(), report: target.report })
    },
    async publish(topic, data) {
      const json = JSON.stringify(data ?? null)
      try {
        const args = [JSON.stringify(topic), json, limit, maxAge, seen.get(topic) ?? 0, Date.now(), deadline()]
        return await ready().lifelinePublish(keys.seq(topic), keys.history(topic), keys.epoch, keys.topics, ...args)
      } catch (err) {
        throw unavailable(`publish to ${topic}`, err)
      }
    },
    async history(topic, after) {
      return history(topic, after)
    },
    async broadcast(event, params, stamp) {
      const message: unknown[] = [node, event, params ?? null]
      if (stamp) message.push(stamp.origin, stamp.n)
      try {
        await ready().publish(keys.broadcast, JSON.stringify(message))
      } catch (err) {
        throw unavailable(`broadcast of ${event}`, err)
      }
    },
    async cluster() {
      if (!counts) throw new Error('lifeline-ws/server: cluster counts are available once the server is ready')
      try {
        return await counts.total()
      } catch (err) {
        throw unavailable('reading cluster counts', err)
      }
    },
    async stop() {
      stopped = true
      await counts?.stop()
      await Promise.all([command && release(command), subscriber && release(subscriber)])
      sink = undefined
    },
  }
}
