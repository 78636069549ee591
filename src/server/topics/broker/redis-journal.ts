/**
 * Write-through sessions on Redis (docs/scaling.md, "Sessions after a
 * crash"): a live session is kept in Redis as frames flow, so a process
 * killed with SIGKILL loses nothing another process cannot resume. One hash
 * per session (`received`, `sent`, `base`, `owner`, `ttl`) and one list of
 * the outbound frames the client has not acknowledged (positions `base + 1`
 * to `sent`). Every step is one Lua script, so one round trip, and every
 * script but the ones that create or take a session first checks `owner`:
 * a process that lost the session (its client resumed elsewhere) fails
 * instead of mixing its writes in (fencing).
 * @module
 */
import { randomUUID } from 'node:crypto'
import type { Redis } from 'ioredis'
import type { SessionJournal, SessionState } from '../../sessions/store'
import { inTime } from './redis-scripts'

const OWNED = `
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then
  return redis.error_reply('LIFELINE_TAKEN the session was taken over by another process, or expired')
end
`
/** True for the reply of a script whose session another process owns now ({@link OWNED}). @internal */
export const isTakenReply = (err: unknown): boolean => err instanceof Error && err.message.startsWith('LIFELINE_TAKEN')

const REFRESH = `
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
`

/** The scripts, by ioredis command name. KEYS: the state hash, the outbound list. ARGV[1]: owner, ARGV[2]: ttl (ms). */
export const JOURNAL_SCRIPTS = {
  /**
   * Count one inbound frame; returns the new `received`. ARGV[3]: its deadline (Redis's clock): a count
   * that comes too late does not count, since the server has given up on the frame and not run it.
   */
  lifelineReceive: `${inTime(3)}${OWNED}
local received = redis.call('HINCRBY', KEYS[1], 'received', 1)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return received`,
  /** ARGV[3]: an outbound frame to keep; returns the new `sent`. */
  lifelinePush: `${OWNED}
redis.call('RPUSH', KEYS[2], ARGV[3])${REFRESH}
return redis.call('HINCRBY', KEYS[1], 'sent', 1)`,
  /** ARGV[3]: acknowledged up to this position: trim the list and move `base`. */
  lifelineAck: `${OWNED}
local base = tonumber(redis.call('HGET', KEYS[1], 'base'))
local upto = math.min(tonumber(ARGV[3]), tonumber(redis.call('HGET', KEYS[1], 'sent')))
if upto > base then
  redis.call('LTRIM', KEYS[2], upto - base, -1)
  redis.call('HSET', KEYS[1], 'base', upto)
end
return upto`,
  /** A new page: no outbound frames any more, counted from 0 again. */
  lifelineRestart: `${OWNED}
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[1], 'sent', 0, 'base', 0)
return 1`,
  /** Keep the session alive while it is served (no frames for a while). */
  lifelineRefresh: `${OWNED}${REFRESH}
return 1`,
  /** The session ended for good: forget it, unless it moved. */
  lifelineEnd: `
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1], KEYS[2])
return 1`,
  /** 1 while ARGV[1] owns the session. */
  lifelineOwned: `
if redis.call('HGET', KEYS[1], 'owner') == ARGV[1] then return 1 end
return 0`,
  /** Write a whole session. ARGV[3..5]: received, sent, base; ARGV[6..]: the outbound frames. */
  lifelineCreate: `
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('HSET', KEYS[1], 'received', ARGV[3], 'sent', ARGV[4], 'base', ARGV[5], 'owner', ARGV[1], 'ttl', ARGV[2])
for i = 6, #ARGV do
  redis.call('RPUSH', KEYS[2], ARGV[i])
end${REFRESH}
return 1`,
  /** A graceful handover: the session waits until ARGV[2] (ms since the epoch) for any process. */
  lifelineRelease: `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'owner', '')
redis.call('PEXPIREAT', KEYS[1], ARGV[2])
redis.call('PEXPIREAT', KEYS[2], ARGV[2])
return 1`,
  /** Resume: ARGV[1] owns the session from now on; returns received, sent, base, ttl, pttl, frames. */
  lifelineTake: `
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
redis.call('HSET', KEYS[1], 'owner', ARGV[1])
local state = redis.call('HMGET', KEYS[1], 'received', 'sent', 'base', 'ttl')
return { state[1], state[2], state[3], state[4], redis.call('PTTL', KEYS[1]), redis.call('LRANGE', KEYS[2], 0, -1) }`,
} as const

type Script = (keys: [string, string], ...args: (string | number)[]) => Promise<unknown>
/** The connection with the scripts defined on it. @internal */
export type JournalRedis = Redis & Record<keyof typeof JOURNAL_SCRIPTS, Script>

/** Define the scripts on `redis` (ioredis sends each as EVAL once per connection, then EVALSHA). @internal */
export function defineJournalScripts(redis: Redis): JournalRedis {
  for (const [name, lua] of Object.entries(JOURNAL_SCRIPTS)) redis.defineCommand(name, { lua, numberOfKeys: 2 })
  return redis as JournalRedis
}

/** A session `take` returned: who owns it now and its ttl travel with it to {@link openJournal}. @internal */
export interface TakenState extends SessionState {
  readonly owner: string
  readonly ttl: number
}

/** The two keys of a session. @internal */
export const journalKeys = (prefix: string, id: string): [string, string] => [`${prefix}session:${id}:state`, `${prefix}session:${id}:out`]

/** Take a session over for a resume: this process owns it from now on. @internal */
export async function takeJournal(redis: JournalRedis, prefix: string, id: string): Promise<TakenState | undefined> {
  const owner = randomUUID()
  const taken = (await redis.lifelineTake(journalKeys(prefix, id), owner)) as [string, string, string, string, number, string[]] | null
  if (!taken) return undefined
  // Every write goes through the scripts, so the list holds exactly the frames base + 1 to sent.
  const [received, sent, , ttl, remaining, frames] = taken
  return { id, received: Number(received), sent: Number(sent), frames, expires: Date.now() + remaining, owner, ttl: Number(ttl) }
}

/**
 * The journal of a live session: a new one (written whole, owned by a new token) or one
 * {@link takeJournal} returned (already owned). While it lives it refreshes the keys' ttl every third
 * of it, so an idle session that is served does not expire in Redis. @internal
 */
export function openJournal(
  connection: () => Promise<JournalRedis>,
  prefix: string,
  state: SessionState,
  { deadline, failed }: { deadline: () => number; failed: (err: unknown) => Error },
): SessionJournal {
  const keys = journalKeys(prefix, state.id)
  const taken = state as Partial<TakenState>
  const owner = taken.owner ?? randomUUID()
  const ttl = taken.ttl ?? Math.max(1, state.expires - Date.now())
  const run = async (name: keyof typeof JOURNAL_SCRIPTS, ...args: (string | number)[]) => {
    const redis = await connection()
    try {
      return await redis[name](keys, owner, ttl, ...args)
    } catch (err) {
      throw failed(err)
    }
  }
  const created = taken.owner === undefined ? run('lifelineCreate', state.received, state.sent, state.sent - state.frames.length, ...state.frames) : undefined
  // Seen through the first write that fails: the session has moved, or Redis is away.
  created?.catch(() => {})
  const refresh = setInterval(() => {
    // A session that moved, or a Redis that is away: the next frame's write tells the server.
    run('lifelineRefresh').catch(() => clearInterval(refresh))
  }, Math.max(1, Math.floor(ttl / 3)))
  refresh.unref()

  return {
    receive: async () => {
      await run('lifelineReceive', deadline())
    },
    push: async (frame) => {
      await run('lifelinePush', frame)
    },
    acknowledge: async (count) => {
      await run('lifelineAck', count)
    },
    restart: async () => {
      await run('lifelineRestart')
    },
    end: async (forget) => {
      clearInterval(refresh)
      if (forget) await run('lifelineEnd')
    },
    owned: async () => (await run('lifelineOwned')) === 1,
  }
}
