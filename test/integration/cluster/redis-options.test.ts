// Options of the Redis broker and session store (bad input names the option), an existing
// ioredis client as the connection source, and what the app sees while Redis is down.
import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createServer, memoryBroker, redisBroker, redisSessionStore } from '../../../src/server'
import { cleanup, open, start, url } from '../server/helpers'
import { startRedis, type RedisProcess } from './redis-server'
import { patient } from '../../helpers/wait'

let redis: RedisProcess
beforeAll(async () => {
  redis = await startRedis()
})
afterAll(async () => {
  await redis?.stop()
})

describe('redisBroker and redisSessionStore options', () => {
  it.each([
    [() => redisBroker(null as never), /takes \{ url \} or \{ client \}/],
    [() => redisBroker({}), /exactly one of url or client/],
    [() => redisBroker({ url: 'redis://x', client: {} as never }), /exactly one of url or client/],
    [() => redisBroker({ url: 'localhost:6379' }), /url must start with redis:\/\/ or rediss:\/\//],
    [() => redisBroker({ client: {} as never }), /client must be an ioredis client/],
    [() => redisBroker({ url: 'redis://x', prefix: 1 as never }), /prefix must be a string/],
    [() => redisBroker({ url: 'redis://x', history: { maxAge: 0 } }), /history.maxAge must be an integer >= 1/],
    [() => redisBroker({ url: 'redis://x', reportInterval: 1.5 }), /reportInterval must be an integer >= 10/],
    [() => redisSessionStore(null as never), /takes \{ url \} or \{ client \}/],
    [() => redisSessionStore({ client: {} as never }), /client must be an ioredis client/],
    [() => redisSessionStore({ url: 'redis://x', prefix: 1 as never }), /prefix must be a string/],
    [() => redisBroker({ url: 'redis://x', commandTimeout: 0 }), /redisBroker commandTimeout must be an integer >= 1 \(ms\)/],
    [() => redisSessionStore({ url: 'redis://x', commandTimeout: 1.5 }), /redisSessionStore commandTimeout must be an integer >= 1 \(ms\)/],
    [() => createServer({ noServer: true, broker: {} as never }), /broker must be a Broker/],
  ])('%#: throws a clear error', (make, message) => {
    expect(make).toThrow(message)
  })

  it('works from an existing ioredis client, which it duplicates and leaves open', async () => {
    const mine = new Redis(redis.url)
    cleanup(() => mine.disconnect())
    const prefix = `test:${randomUUID()}:`
    const store = redisSessionStore({ client: mine, prefix })
    cleanup(() => store.close())
    const server = await start({ broker: redisBroker({ client: mine, prefix }), sessions: { store } })
    const peer = await open(url(server))
    await peer.call('rpc.subscribe', { topic: 'a' }, 1)
    expect(await server.publish('a', 'x')).toBe(1)
    expect((await peer.next()).params).toMatchObject({ seq: 1, data: 'x' })
    await store.save({ id: 'kept', received: 0, sent: 0, frames: [], expires: Date.now() + 10_000 })
    expect(await mine.exists(`${prefix}session:kept`)).toBe(1)
    await server.close()
    expect(await mine.ping()).toBe('PONG')
  })

  it('tells the app when Redis is down: publish, broadcast, cluster counts and the session store fail with clear errors', async () => {
    const errors: unknown[] = []
    const prefix = `test:${randomUUID()}:`
    const store = redisSessionStore({ url: redis.url, prefix })
    cleanup(() => store.close())
    const server = await start({ broker: redisBroker({ url: redis.url, prefix }), onError: (err) => void errors.push(err) })
    await store.take('warm-up')
    await redis.kill()
    try {
      await vi.waitFor(() => expect(server.publish('t', 1)).rejects.toThrow(/publish to t failed: Redis is unavailable/), patient)
      server.broadcast('hello', { to: 'all' })
      await vi.waitFor(() => expect(errors.map(String).join('\n')).toMatch(/broadcast of hello failed: Redis is unavailable/), patient)
      await expect(server.cluster()).rejects.toThrow(/reading cluster counts failed: Redis is unavailable/)
      await expect(store.save({ id: 's', received: 0, sent: 0, frames: [], expires: Date.now() + 1000 })).rejects.toThrow(/saving session s failed: Redis is unavailable/)
      await expect(store.take('s')).rejects.toThrow(/taking a session failed: Redis is unavailable/)
    } finally {
      await redis.start()
    }
    await vi.waitFor(() => expect(server.publish('t', 2)).resolves.toBe(1), { ...patient, timeout: 15_000 })
  })

  it('the in-memory broker counts this process, also before a server started it', async () => {
    expect(await memoryBroker().cluster()).toEqual({ processes: 1, connections: 0, clients: 0, topics: {} })
  })

  it('a subscribe withdrawn while its history is read is forgotten', async () => {
    const server = await start({ broker: redisBroker({ url: redis.url, prefix: `test:${randomUUID()}:` }) })
    const peer = await open(url(server))
    peer.send({ jsonrpc: '2.0', id: 1, method: 'rpc.subscribe', params: { topic: 'gone', after: 0 } })
    peer.send({ jsonrpc: '2.0', method: 'rpc.unsubscribe', params: { topic: 'gone' } })
    expect((await peer.next()).result).toBeNull()
    expect((await server.cluster()).topics).toEqual({})
    await server.publish('gone', 'nobody')
    expect((await peer.call('rpc.ping', undefined, 2)).result).toBe('pong')
    expect(peer.pending).toEqual([])
    expect(() => server.publish('', 1)).toThrow(/topic must be a non-empty string/)
  })
})
