/**
 * Write-through sessions on Redis (docs/scaling.md, "Sessions after a
 * crash"): a live session is kept in Redis as frames flow, so a process
 * killed with SIGKILL loses nothing another process cannot resume. One hash
 * per session (`received`, `sent`, `base`, `owner`, `ttl`), one list of
 * the outbound frames the client has not acknowledged (positions `base + 1`
 * to `sent`), and one set of the client's frames that started and did not
 * finish (`running`: what a crash leaves in doubt, reported at the resume).
 * A session released to wait for its client (owner '') is listed in the
 * index of waiting sessions (redis-waiting.ts), where broadcasts reach it.
 * A frame counts (`received`) when it starts, never when it merely arrived,
 * and finishes with its answer in one step. Every step is one Lua script, so one round trip, and every
 * script but the ones that create or take a session first checks `owner`:
 * a process that lost the session (its client resumed elsewhere) fails
 * instead of mixing its writes in (fencing).
 * @module
 */
import { randomUUID } from 'node:crypto'
import type { Redis } from 'ioredis'
import type { SessionJournal, SessionState } from '../../sessions/store'
import { inTime } from './redis-scripts'
import { appendedFrom, lastAppended, pruneWaiting, waitingKey } from './redis-waiting'

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
redis.call('PEXPIRE', KEYS[3], ARGV[2])
`

/**
 * Lua: lists the session `id` in the index of waiting sessions (KEYS[4]) until `expires` (ms since the
 * epoch), with the bytes of its outbound frames (`bytes`), which each broadcast appended to it adds to
 * (redis-waiting.ts). Sessions past their expiry leave the index here and at each broadcast.
 */
const park = (id: string, expires: string) => `
local bytes = 0
for _, frame in ipairs(redis.call('LRANGE', KEYS[2], 0, -1)) do bytes = bytes + #frame end
redis.call('HSET', KEYS[1], 'bytes', bytes)
${pruneWaiting('KEYS[4]')}
redis.call('ZADD', KEYS[4], ${expires}, ${id})
`

/**
 * The scripts, by ioredis command name. KEYS: the state hash, the outbound list, the running set, the
 * index of waiting sessions. ARGV[1]: owner, ARGV[2]: ttl (ms), unless a script says otherwise.
 */
export const JOURNAL_SCRIPTS = {
  /**
   * The client's frame at position ARGV[4] starts: count it (it must be the next one); ARGV[5] '1': it
   * runs until finished (kept in the running set). ARGV[3]: the deadline (Redis's clock): a start that
   * comes too late does not count, since the server has given up on the frame and not run it.
   * Returns the new `received`.
   */
  lifelineStart: `${inTime(3)}${OWNED}
local received = redis.call('HINCRBY', KEYS[1], 'received', 1)
if received ~= tonumber(ARGV[4]) then
  redis.call('HINCRBY', KEYS[1], 'received', -1)
  return redis.error_reply('LIFELINE_COUNT frame ' .. ARGV[4] .. ' started out of turn (received ' .. (received - 1) .. ')')
end
if ARGV[5] == '1' then redis.call('SADD', KEYS[3], ARGV[4]) end${REFRESH}
return received`,
  /** The client's frame at position ARGV[3] finished without an answer. */
  lifelineFinish: `${OWNED}
redis.call('SREM', KEYS[3], ARGV[3])
return 1`,
  /** ARGV[3]: an outbound frame to keep; ARGV[4]: the position it answers (it finishes), or 0. Returns the new `sent`. */
  lifelinePush: `${OWNED}
redis.call('RPUSH', KEYS[2], ARGV[3])
if ARGV[4] ~= '0' then redis.call('SREM', KEYS[3], ARGV[4]) end${REFRESH}
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
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
return 1`,
  /** 1 while ARGV[1] owns the session. */
  lifelineOwned: `
if redis.call('HGET', KEYS[1], 'owner') == ARGV[1] then return 1 end
return 0`,
  /**
   * Write a whole session. ARGV[3]: its id; ARGV[4..6]: received, sent, base; ARGV[7]: running positions,
   * comma-separated; ARGV[8..]: the outbound frames. Owner '': it waits for its client (a `save`).
   */
  lifelineCreate: `
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
redis.call('HSET', KEYS[1], 'received', ARGV[4], 'sent', ARGV[5], 'base', ARGV[6], 'owner', ARGV[1], 'ttl', ARGV[2])
for position in string.gmatch(ARGV[7], '%d+') do
  redis.call('SADD', KEYS[3], position)
end
for i = 8, #ARGV do
  redis.call('RPUSH', KEYS[2], ARGV[i])
end${REFRESH}
if ARGV[1] == '' then
  local clock = redis.call('TIME')
  ${park('ARGV[3]', "tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000) + tonumber(ARGV[2])")}
end
return 1`,
  /**
   * A graceful handover: the session waits until ARGV[2] (ms since the epoch) for any process, listed
   * among the waiting sessions under its id ARGV[3]. ARGV[1]: the releasing owner, which must still own
   * it (fencing: once another process took it, its hand-over must not undo that); '' releases whoever
   * owns it.
   */
  lifelineRelease: `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if ARGV[1] ~= '' and redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'owner', '')
redis.call('PEXPIREAT', KEYS[1], ARGV[2])
redis.call('PEXPIREAT', KEYS[2], ARGV[2])
redis.call('PEXPIREAT', KEYS[3], ARGV[2])${park('ARGV[3]', 'ARGV[2]')}
return 1`,
  /**
   * Resume: ARGV[1] owns the session from now on, and it leaves the waiting sessions (ARGV[2]: its id);
   * returns received, sent, base, ttl, pttl, frames, running, and the last broadcast appended per origin
   * while it waited (origin, n…; those fields go).
   */
  lifelineTake: `
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
redis.call('HSET', KEYS[1], 'owner', ARGV[1])
redis.call('ZREM', KEYS[4], ARGV[2])
local state = redis.call('HMGET', KEYS[1], 'received', 'sent', 'base', 'ttl')
local appended = {}${lastAppended('KEYS[1]', 'appended')}
for i = 1, #appended, 2 do redis.call('HDEL', KEYS[1], 'appended:' .. appended[i]) end
return { state[1], state[2], state[3], state[4], redis.call('PTTL', KEYS[1]), redis.call('LRANGE', KEYS[2], 0, -1), redis.call('SMEMBERS', KEYS[3]), appended }`,
} as const

type Script = (keys: JournalKeys, ...args: (string | number)[]) => Promise<unknown>
/** The connection with the scripts defined on it. @internal */
export type JournalRedis = Redis & Record<keyof typeof JOURNAL_SCRIPTS, Script>

/** Define the scripts on `redis` (ioredis sends each as EVAL once per connection, then EVALSHA). @internal */
export function defineJournalScripts(redis: Redis): JournalRedis {
  for (const [name, lua] of Object.entries(JOURNAL_SCRIPTS)) redis.defineCommand(name, { lua, numberOfKeys: 4 })
  return redis as JournalRedis
}

/** A session `take` returned: who owns it now and its ttl travel with it to {@link openJournal}. @internal */
export interface TakenState extends SessionState {
  readonly owner: string
  readonly ttl: number
}

/** The keys of a session: its state, its outbound frames, the client's frames running; and the index of waiting sessions. @internal */
export type JournalKeys = [state: string, out: string, running: string, waiting: string]

/** @internal */
export const journalKeys = (prefix: string, id: string): JournalKeys =>
  [`${prefix}session:${id}:state`, `${prefix}session:${id}:out`, `${prefix}session:${id}:running`, waitingKey(prefix)]

/** The arguments of lifelineCreate after owner and ttl: id, received, sent, base, running, frames. @internal */
export const createArgs = (state: SessionState): (string | number)[] =>
  [state.id, state.received, state.sent, state.sent - state.frames.length, (state.running ?? []).join(','), ...state.frames]

/** Take a session over for a resume: this process owns it from now on. @internal */
export async function takeJournal(redis: JournalRedis, prefix: string, id: string): Promise<TakenState | undefined> {
  const owner = randomUUID()
  const taken = (await redis.lifelineTake(journalKeys(prefix, id), owner, id)) as [string, string, string, string, number, string[], string[], string[]] | null
  if (!taken) return undefined
  // Every write goes through the scripts, so the list holds exactly the frames base + 1 to sent.
  const [received, sent, , ttl, remaining, frames, running, appended] = taken
  const state = { id, received: Number(received), sent: Number(sent), frames, expires: Date.now() + remaining, owner, ttl: Number(ttl), ...appendedFrom(appended) }
  return running.length ? { ...state, running: running.map(Number).sort((a, b) => a - b) } : state
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
  const created = taken.owner === undefined ? run('lifelineCreate', ...createArgs(state)) : undefined
  // Seen through the first write that fails: the session has moved, or Redis is away.
  created?.catch(() => {})
  const refresh = setInterval(() => {
    // A session that moved, or a Redis that is away: the next frame's write tells the server.
    run('lifelineRefresh').catch(() => clearInterval(refresh))
  }, Math.max(1, Math.floor(ttl / 3)))
  refresh.unref()

  return {
    start: async (position, running) => {
      await run('lifelineStart', deadline(), position, running ? '1' : '0')
    },
    finish: async (position) => {
      await run('lifelineFinish', position)
    },
    push: async (frame, finishes) => {
      await run('lifelinePush', frame, finishes ?? 0)
    },
    acknowledge: async (count) => {
      await run('lifelineAck', count)
    },
    restart: async () => {
      await run('lifelineRestart')
    },
    release: async (expires) => {
      clearInterval(refresh)
      const redis = await connection()
      try {
        return (await redis.lifelineRelease(keys, owner, expires, state.id)) === 1
      } catch (err) {
        throw failed(err)
      }
    },
    end: async (forget) => {
      clearInterval(refresh)
      if (forget) await run('lifelineEnd')
    },
    owned: async () => (await run('lifelineOwned')) === 1,
  }
}
