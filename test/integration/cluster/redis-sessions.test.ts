// Sessions on Redis: the store's atomic take and its ttls, and a graceful restart onto a server
// with a store of its own (its own Redis connection, as another process would have) that
// resumes every session exactly once. On a real redis-server this file starts.
import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import { describe, expect, it, vi } from 'vitest'
import { createServer, redisBroker, redisSessionStore } from '../../../src/server'
import { cleanup, start, track, url } from '../server/helpers'
import { sessionClient } from '../server/session-client'
import { useRedis, type RedisProcess } from './redis-server'
import { patient } from '../../helpers/wait'

let redis: RedisProcess
let inspect: Redis
useRedis((started, client) => {
  redis = started
  inspect = client
})

const note = (method: string, params: unknown[]) => ({ jsonrpc: '2.0', method, params })
const request = (id: number, method: string, params: unknown[]) => ({ jsonrpc: '2.0', id, method, params })

function store(prefix: string) {
  const made = redisSessionStore({ url: redis.url, prefix })
  cleanup(() => made.close())
  return made
}

describe('redisSessionStore', () => {
  it('gives a saved session to one taker only, and keys expire with the session', async () => {
    const prefix = `test:${randomUUID()}:`
    const [one, two] = [store(prefix), store(prefix)]
    const expires = Date.now() + 60_000
    await one.save({ id: 's1', received: 4, sent: 2, frames: ['a', 'b'], expires })
    const ttl = await inspect.pttl(`${prefix}session:s1`)
    expect(ttl).toBeGreaterThan(50_000)
    expect(ttl).toBeLessThanOrEqual(60_000)
    // Two processes asking at once: exactly one gets it.
    const taken = await Promise.all([one.take('s1'), two.take('s1')])
    expect(taken.filter(Boolean)).toEqual([{ id: 's1', received: 4, sent: 2, frames: ['a', 'b'], expires }])
    expect(await one.take('s1')).toBeUndefined()
    // Already expired: not kept at all.
    await one.save({ id: 's2', received: 0, sent: 0, frames: [], expires: Date.now() - 1 })
    expect(await inspect.exists(`${prefix}session:s2`)).toBe(0)
  })

  it('rejects bad options by name', () => {
    expect(() => redisSessionStore({} as never)).toThrow(/exactly one of url or client/)
    expect(() => redisSessionStore({ url: 'http://x' })).toThrow(/redis:\/\//)
    expect(() => redisBroker({ url: redis.url, history: { limit: -1 } })).toThrow(/history.limit must be an integer >= 0/)
  })

  it('hands sessions over a graceful restart to a server with its own connection: nothing lost, nothing twice', async () => {
    const prefix = `test:${randomUUID()}:`
    const log: number[] = []
    const methods = { log: (params: unknown) => void log.push((params as number[])[0]!), echo: (params: unknown) => params }
    const old = await start({ methods, broker: redisBroker({ url: redis.url, prefix }), sessions: { store: store(prefix), ackDelay: 60_000 } })
    const port = old.port!
    const c = sessionClient(url(old))
    const first = await c.open()
    for (let n = 1; n <= 30; n++) c.send(note('log', [n]))
    c.send(request(31, 'echo', ['before']))
    await vi.waitFor(() => expect({ logged: log.length, tracked: c.tracked.length }).toEqual({ logged: 30, tracked: 1 }), patient)
    await old.close()
    expect(await c.closed()).toEqual({ code: 1012, reason: 'Service restart' })
    expect(c.acks).toEqual([31])
    expect(await inspect.exists(`${prefix}session:${first.id}`)).toBe(1)

    const fresh = track(createServer({
      port, host: '127.0.0.1', methods, onError: () => {},
      broker: redisBroker({ url: redis.url, prefix }),
      sessions: { store: store(prefix) },
    }))
    await fresh.ready
    expect(await c.open()).toMatchObject({ id: first.id, resumed: true, received: 31 })
    // Taken: no other process can resume it again.
    expect(await inspect.exists(`${prefix}session:${first.id}`)).toBe(0)
    for (let n = 32; n <= 40; n++) c.send(note('log', [n]))
    c.send(request(41, 'echo', ['after']))
    await vi.waitFor(() => expect({ logged: log.length, tracked: c.tracked.length }).toEqual({ logged: 39, tracked: 2 }), patient)
    expect(log).toEqual([...Array.from({ length: 30 }, (_, i) => i + 1), ...Array.from({ length: 9 }, (_, i) => i + 32)])
    expect(c.tracked).toEqual([{ jsonrpc: '2.0', id: 31, result: ['before'] }, { jsonrpc: '2.0', id: 41, result: ['after'] }])
  })
})
