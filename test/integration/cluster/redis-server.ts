// A real redis-server for one test file (test/helpers/redis-process.ts starts it), with a client for
// looking inside it. No test talks to a Redis it did not start.
import { Redis } from 'ioredis'
import { afterAll, beforeAll } from 'vitest'
import { startRedis, type RedisProcess } from '../../helpers/redis-process'

export { freePort, startRedis, type RedisProcess } from '../../helpers/redis-process'

/**
 * Starts a redis-server before this file's tests, with a client for looking inside it, hands both to
 * `ready`, and stops both after the file's tests.
 */
export function useRedis(ready: (redis: RedisProcess, inspect: Redis) => void): void {
  let redis: RedisProcess | undefined
  let inspect: Redis | undefined
  beforeAll(async () => {
    redis = await startRedis()
    inspect = new Redis(redis.url)
    ready(redis, inspect)
  })
  afterAll(async () => {
    inspect?.disconnect()
    await redis?.stop()
  })
}
