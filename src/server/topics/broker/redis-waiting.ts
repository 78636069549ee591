/**
 * Sessions waiting in Redis for their client (handed over by a graceful
 * `close()`), and the broadcasts appended to them meanwhile, as
 * `createSessionStore()` appends them in memory (docs/delivery.md,
 * "Broadcasts to a session waiting in the store"). One sorted set lists the
 * waiting sessions by id, scored by when they expire. A session saved whole
 * (`redisSessionStore({ url })`) is one JSON string under
 * `{prefix}session:{id}`, and its broadcasts a hash beside it
 * (`…:broadcasts`: their `bytes` with the saved frames', their `count`, and
 * the frames under `1` to `count`), so the JSON is never rewritten in Redis.
 * A session written through (redis-journal.ts) has its broadcasts pushed to
 * its outbound list like any frame, and counted in `sent`.
 *
 * Each step is one Lua script, so a broadcast and a take are atomic against
 * each other: a session taken before a broadcast runs is no longer listed
 * (its taker gives it the broadcast live), one taken after has the
 * broadcast among its frames.
 * @module
 */
import type { Redis } from 'ioredis'
import { byteLength, type BroadcastStamp, type SessionState } from '../../sessions/store'
import { inTime } from './redis-scripts'

/** The sorted set of the sessions waiting for their client: id, scored by its expiry (ms since the epoch). @internal */
export const waitingKey = (prefix: string): string => `${prefix}sessions:waiting`

/** Lua: `now`, ms since the epoch by Redis's clock (the clock a key's PXAT expiry is checked against). */
const NOW = `
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
`

/** Lua: the sessions of the index `key` whose expiry has passed leave it (Redis forgot their keys). @internal */
export const pruneWaiting = (key: string): string => `
do${NOW}  redis.call('ZREMRANGEBYSCORE', ${key}, '-inf', now)
end
`

/**
 * Lua: into the table `into`, the last broadcast appended per origin, from the fields `appended:<origin>`
 * of the hash `key` (origin, n, origin, n…). @internal
 */
export const lastAppended = (key: string, into: string): string => `
for _, field in ipairs(redis.call('HKEYS', ${key})) do
  if string.sub(field, 1, 9) == 'appended:' then
    table.insert(${into}, string.sub(field, 10))
    table.insert(${into}, redis.call('HGET', ${key}, field))
  end
end
`

/** `SessionState.appended` from a script's flat list (origin, n…), to spread into a state: none when empty. @internal */
export function appendedFrom(flat: readonly string[]): { appended?: Record<string, number> } {
  if (!flat.length) return {}
  const appended: Record<string, number> = {}
  for (let i = 0; i < flat.length; i += 2) appended[flat[i]!] = Number(flat[i + 1])
  return { appended }
}

/** The scripts, by ioredis command name, with how many of their arguments are keys. */
const WAITING_SCRIPTS = {
  /**
   * Save a session whole. KEYS: its JSON, its broadcasts, the index. ARGV: the JSON, its expiry (ms
   * since the epoch), the bytes of its frames, its id. An expiry already past forgets it instead.
   */
  lifelineSave: {
    keys: 3,
    lua: `
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('ZREM', KEYS[3], ARGV[4])${NOW}
if tonumber(ARGV[2]) <= now then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PXAT', ARGV[2])
redis.call('HSET', KEYS[2], 'bytes', ARGV[3], 'count', 0)
redis.call('PEXPIREAT', KEYS[2], ARGV[2])${pruneWaiting('KEYS[3]')}
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[4])
return 1`,
  },
  /**
   * Take a session saved whole: it is gone from Redis once this returns it. KEYS: as lifelineSave.
   * ARGV: its id. Returns false, or its JSON, the frames broadcast to it (oldest first), and the last
   * broadcast appended per origin (origin, n, origin, n…).
   */
  lifelineTakeSaved: {
    keys: 3,
    lua: `
local saved = redis.call('GET', KEYS[1])
local frames = {}
local appended = {}
if saved then
  local count = tonumber(redis.call('HGET', KEYS[2], 'count') or '0')
  for i = 1, count do frames[i] = redis.call('HGET', KEYS[2], i) end
  ${lastAppended('KEYS[2]', 'appended')}
end
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('ZREM', KEYS[3], ARGV[1])
if not saved then return false end
return { saved, frames, appended }`,
  },
  /**
   * Append a broadcast to every waiting session. KEYS: the index. ARGV: the key prefix, the frame,
   * `maxBytes`, the deadline (ms, Redis's clock: a broadcast its caller gave up on never lands), and its
   * stamp (origin and n, or two empty strings), kept as the session's last from that origin. A
   * session the frame would take past `maxBytes` is forgotten (its client starts a new one); one that
   * is live again (written through, owned by a process) or gone leaves the index. Returns how many
   * sessions got the frame. Redis is busy for about 10 µs per waiting session (bench/redis-waiting.mjs).
   */
  lifelineBroadcast: {
    keys: 1,
    lua: `${inTime(4)}${pruneWaiting('KEYS[1]')}
local frame = ARGV[2]
local size = #frame
local limit = tonumber(ARGV[3])
local reached = 0
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local base = ARGV[1] .. 'session:' .. id
  local state = base .. ':state'
  local journal = redis.call('HMGET', state, 'owner', 'bytes')
  if journal[1] == '' then
    local bytes = tonumber(journal[2] or '0')
    if bytes + size > limit then
      redis.call('DEL', state, base .. ':out', base .. ':running')
      redis.call('ZREM', KEYS[1], id)
    else
      -- A list made here (it was empty at the hand-over) gets the session's expiry.
      if redis.call('RPUSH', base .. ':out', frame) == 1 then redis.call('PEXPIRE', base .. ':out', redis.call('PTTL', state)) end
      redis.call('HINCRBY', state, 'sent', 1)
      redis.call('HINCRBY', state, 'bytes', size)
      if ARGV[5] ~= '' then redis.call('HSET', state, 'appended:' .. ARGV[5], ARGV[6]) end
      reached = reached + 1
    end
  elseif journal[1] then
    redis.call('ZREM', KEYS[1], id)
  else
    -- Saved whole: its broadcasts' hash was made with it and expires with it, so it stands for both.
    local more = base .. ':broadcasts'
    local bytes = redis.call('HGET', more, 'bytes')
    if not bytes or tonumber(bytes) + size > limit then
      redis.call('DEL', base, more)
      redis.call('ZREM', KEYS[1], id)
    else
      redis.call('HSET', more, redis.call('HINCRBY', more, 'count', 1), frame)
      redis.call('HINCRBY', more, 'bytes', size)
      if ARGV[5] ~= '' then redis.call('HSET', more, 'appended:' .. ARGV[5], ARGV[6]) end
      reached = reached + 1
    end
  end
end
return reached`,
  },
} as const

type Script = (...args: (string | number)[]) => Promise<unknown>
/** A connection with the scripts of this file defined on it. @internal */
export type WaitingRedis = Redis & Record<keyof typeof WAITING_SCRIPTS, Script>

/** Define the scripts on `redis` (ioredis sends each as EVAL once per connection, then EVALSHA). @internal */
export function defineWaitingScripts<R extends Redis>(redis: R): R & WaitingRedis {
  for (const [name, { lua, keys }] of Object.entries(WAITING_SCRIPTS)) redis.defineCommand(name, { lua, numberOfKeys: keys })
  return redis as R & WaitingRedis
}

const savedKeys = (prefix: string, id: string) => [`${prefix}session:${id}`, `${prefix}session:${id}:broadcasts`, waitingKey(prefix)]

/** Save `state` whole, waiting for its client until `state.expires` (forgotten when that has passed). @internal */
export async function saveWaiting(redis: WaitingRedis, prefix: string, state: SessionState): Promise<void> {
  const bytes = state.frames.reduce((total, frame) => total + byteLength(frame), 0)
  await redis.lifelineSave(...savedKeys(prefix, state.id), JSON.stringify(state), state.expires, bytes, state.id)
}

/**
 * Take a session saved whole, with the broadcasts appended to it numbered after its frames (as if its
 * server had sent them before saving); undefined when there is none. Its expiry is the caller's to check. @internal
 */
export async function takeWaiting(redis: WaitingRedis, prefix: string, id: string): Promise<SessionState | undefined> {
  const taken = (await redis.lifelineTakeSaved(...savedKeys(prefix, id), id)) as [string, string[], string[]] | null
  if (!taken) return undefined
  const [json, broadcasts, appended] = taken
  const state = JSON.parse(json) as SessionState
  if (!broadcasts.length) return state
  return { ...state, sent: state.sent + broadcasts.length, frames: [...state.frames, ...broadcasts], ...appendedFrom(appended) }
}

/**
 * Append `frame` to every session waiting in Redis under `prefix`, both kinds; returns how many got it.
 * `deadline`: ms of Redis's clock after which it must not run (redis-connect.ts, `redisDeadline`). @internal
 */
export async function broadcastToWaiting(
  redis: WaitingRedis,
  prefix: string,
  frame: string,
  maxBytes: number,
  deadline: number,
  stamp: BroadcastStamp | undefined,
): Promise<number> {
  return (await redis.lifelineBroadcast(waitingKey(prefix), prefix, frame, maxBytes, deadline, stamp?.origin ?? '', stamp?.n ?? '')) as number
}
