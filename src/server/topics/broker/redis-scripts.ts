/**
 * The Lua scripts of the Redis broker. Each runs atomically in Redis, which
 * is what makes one sequence per topic across processes: numbering, keeping
 * and publishing a message happen in one step, so every process receives the
 * messages of a topic in the order of their numbers.
 * @module
 */

/**
 * Lua that refuses to go on after ARGV[`argument`], a deadline in ms of Redis's own clock: a command
 * that waited in a frozen Redis's socket until its caller gave up must not run when Redis wakes up
 * (redis-connect.ts, `redisDeadline`).
 */
export const inTime = (argument: number): string => `
local clock = redis.call('TIME')
if tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000) > tonumber(ARGV[${argument}]) then
  return redis.error_reply('LIFELINE_LATE Redis ran this after its caller had given up on it')
end
`

/**
 * Publish. KEYS: seq counter, history stream, epoch. ARGV: channel, topic as a JSON string, data as
 * JSON, history limit, history max age (ms), the highest number this process saw for the topic, now (ms),
 * the deadline (ms, Redis's clock). Refuses while the epoch key is missing: Redis lost its data and no
 * process has restored the counters yet.
 */
export const PUBLISH = `${inTime(8)}
if redis.call('EXISTS', KEYS[3]) == 0 then
  return redis.error_reply('LIFELINE_RESET Redis lost its data; the counters are being restored')
end
local seq = redis.call('INCR', KEYS[1])
local floor = tonumber(ARGV[6])
if seq <= floor then
  seq = floor + 1
  redis.call('SET', KEYS[1], seq)
end
if tonumber(ARGV[4]) > 0 then
  redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[4], seq .. '-0', 'd', ARGV[3], 't', ARGV[7])
  redis.call('PEXPIRE', KEYS[2], ARGV[5])
end
redis.call('PUBLISH', ARGV[1], '[' .. ARGV[2] .. ',' .. seq .. ',' .. ARGV[3] .. ']')
return seq
`

/**
 * History. KEYS: seq counter, history stream. ARGV: the cursor (empty: only the latest number).
 * Returns the latest number (0: none yet) and the kept entries after the cursor, read together.
 */
export const HISTORY = `
local latest = tonumber(redis.call('GET', KEYS[1]) or '0')
if ARGV[1] == '' then return {latest, {}} end
return {latest, redis.call('XRANGE', KEYS[2], tonumber(ARGV[1]) + 1, '+')}
`

/**
 * Restore after Redis lost its data (or at the first start). KEYS: epoch, then seq counters.
 * ARGV: the epoch value, then one floor per counter. Counters only move up.
 */
export const RESTORE = `
for i = 2, #KEYS do
  local current = tonumber(redis.call('GET', KEYS[i]) or '0')
  local floor = tonumber(ARGV[i])
  if current < floor then redis.call('SET', KEYS[i], floor) end
end
redis.call('SET', KEYS[1], ARGV[1], 'NX')
return 1
`
