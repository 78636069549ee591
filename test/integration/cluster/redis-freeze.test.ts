// Issue #26, defect 3: a Redis that stops answering without closing its socket (SIGSTOP here; a paused
// VM or a partition in production). Every Redis command has a deadline (`commandTimeout`): a publish
// rejects within it with a clear error and is then never applied late; what waits on the frozen socket
// is bounded by one deadline's worth of commands (the connection is dropped, and while it reconnects
// commands fail at once); a write-through session is let go with 1012, and resumes once Redis is back
// with every frame run once. Each test starts a redis-server of its own and freezes it.
import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import { describe, expect, it, vi } from 'vitest'
import { redisBroker, redisSessionStore } from '../../../src/server'
import { cleanup, start, url } from '../server/helpers'
import { sessionClient } from '../server/session-client'
import { startRedis, type RedisProcess } from './redis-server'
import { patient } from '../../helpers/wait'

const DEADLINE = 200
/** Longer than the deadline by far: what settles within it settled while Redis was still frozen. */
const whileFrozen = { timeout: 10_000, interval: 20 }

/** A redis-server of this test's own, thawed and stopped after it. */
async function ownRedis(): Promise<RedisProcess> {
  const redis = await startRedis()
  cleanup(async () => {
    redis.thaw()
    await redis.stop()
  })
  return redis
}

/** Calls of a script command Redis has run so far (INFO commandstats), EVAL and EVALSHA together. */
async function scriptCalls(redis: RedisProcess): Promise<number> {
  const inspect = new Redis(redis.url)
  try {
    const stats = await inspect.info('commandstats')
    let calls = 0
    for (const match of stats.matchAll(/^cmdstat_(?:eval|evalsha):calls=(\d+)/gm)) calls += Number(match[1])
    return calls
  } finally {
    inspect.disconnect()
  }
}

describe('a frozen Redis (SIGSTOP: no answers, the socket stays open)', () => {
  it('publish rejects within commandTimeout with a clear error, is never applied late, and nothing piles up', async () => {
    const redis = await ownRedis()
    const errors: string[] = []
    const server = await start({
      broker: redisBroker({ url: redis.url, prefix: `freeze:${randomUUID()}:`, commandTimeout: DEADLINE }),
      onError: (err) => void errors.push(String(err)),
    })
    expect(await server.publish('t', 'before')).toBe(1)
    const before = await scriptCalls(redis)
    redis.freeze()
    const outcomes: string[] = []
    // 5,000 publishes over about two seconds of the freeze: ten deadlines' worth.
    for (let batch = 0; batch < 50; batch++) {
      for (let n = 0; n < 100; n++) {
        Promise.resolve(server.publish('t', { batch, n })).then(
          () => outcomes.push('published'),
          (err: unknown) => outcomes.push(String((err as Error).message)),
        )
      }
      await new Promise((resolve) => setTimeout(resolve, 40))
    }
    await vi.waitFor(() => expect(outcomes.length).toBe(5000), whileFrozen)
    expect(outcomes.filter((outcome) => !/^lifeline-ws\/server: publish to t failed: Redis is unavailable \(/.test(outcome))).toEqual([])
    // The ones written to the frozen socket waited for their deadline: one deadline's worth (about 500 of
    // these 5,000), since the connection is then dropped and, until it is ready again, publishes fail at once.
    const waited = outcomes.filter((outcome) => outcome.includes(`no answer within ${DEADLINE} ms`)).length
    expect(waited).toBeGreaterThan(0)
    expect(waited).toBeLessThan(2500)
    // Told once, as the connection was given up on.
    await vi.waitFor(() => expect(errors.join('\n')).toMatch(/Redis is unavailable: the command connection was lost/), whileFrozen)
    redis.thaw()
    // Back: numbering goes on from where it was, as if none of the 5,000 had been sent (each was told it
    // failed; the ones Redis read when it woke up were past their deadline and did nothing).
    let after: number | undefined
    await vi.waitFor(async () => {
      after = await server.publish('t', 'after')
    }, { ...patient, timeout: 15_000 })
    expect(after).toBe(2)
    // Redis did read them: they reached it, and were refused there.
    expect(await scriptCalls(redis)).toBeGreaterThan(before + 1)
    await server.close()
  })

  it('a write-through session is let go with 1012 within the deadline, and resumes once Redis is back: each frame runs once', async () => {
    const redis = await ownRedis()
    const log: number[] = []
    const errors: string[] = []
    const store = redisSessionStore({ url: redis.url, prefix: `freeze:${randomUUID()}:`, writeThrough: true, commandTimeout: DEADLINE })
    cleanup(() => store.close())
    const server = await start({
      methods: { log: (params: unknown) => void log.push((params as number[])[0]!) },
      onError: (err) => void errors.push(String(err)),
      sessions: { store, ackDelay: 60_000 },
    })
    const client = sessionClient(url(server))
    await client.open()
    client.send({ jsonrpc: '2.0', method: 'log', params: [1] })
    await vi.waitFor(() => expect(log).toEqual([1]), patient)
    redis.freeze()
    client.send({ jsonrpc: '2.0', method: 'log', params: [2] })
    let closed: { code: number; reason: string } | undefined
    void client.closed().then((close) => {
      closed = close
    })
    await vi.waitFor(() => expect(closed).toEqual({ code: 1012, reason: 'Service restart' }), whileFrozen)
    expect(log).toEqual([1])
    expect(errors.join('\n')).toMatch(new RegExp(`writing session .* through failed: Redis is unavailable \\(no answer within ${DEADLINE} ms`))
    redis.thaw()
    // The count of frame 2 that Redis ran late was refused (its deadline had passed): the server has 1.
    await vi.waitFor(async () => expect(await client.open()).toMatchObject({ resumed: true, received: 1 }), { ...patient, timeout: 15_000 })
    await vi.waitFor(() => expect(log).toEqual([1, 2]), patient)
    await server.close()
  })
})
