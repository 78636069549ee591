// The Redis broker between two servers (two broker instances, as two processes would have),
// and through a Redis restart, on a real redis-server this file starts.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { redisBroker } from '../../../src/server'
import { open, start, url } from '../server/helpers'
import { startRedis, type RedisProcess } from './redis-server'
import { patient } from '../../helpers/wait'

let redis: RedisProcess
beforeAll(async () => {
  redis = await startRedis()
})
afterAll(async () => {
  await redis?.stop()
})

async function pair() {
  const prefix = `test:${randomUUID()}:`
  const errors: unknown[] = []
  const options = () => ({ broker: redisBroker({ url: redis.url, prefix, reportInterval: 100 }), onError: (err: unknown) => void errors.push(err) })
  return { a: await start(options()), b: await start(options()), errors }
}

describe('redisBroker across servers', () => {
  it('delivers a publish on one server to subscribers on the other, with one numbering', async () => {
    const { a, b } = await pair()
    const onA = await open(url(a))
    const onB = await open(url(b))
    await onA.call('rpc.subscribe', { topic: 'room' }, 1)
    await onB.call('rpc.subscribe', { topic: 'room' }, 1)
    expect(await a.publish('room', 'one')).toBe(1)
    expect(await b.publish('room', 'two')).toBe(2)
    expect(await a.publish('room', 'three')).toBe(3)
    for (const peer of [onA, onB]) {
      const got = [await peer.next(), await peer.next(), await peer.next()].map((frame) => [frame.params?.seq, frame.params?.data])
      expect(got).toEqual([[1, 'one'], [2, 'two'], [3, 'three']])
    }
    // A client that moves from a to b with its cursor resumes from the shared history.
    const moved = await open(url(b))
    expect((await moved.call('rpc.subscribe', { topic: 'room', after: 1 }, 1)).result).toEqual({ seq: 3, gap: false })
    expect([await moved.next(), await moved.next()].map((frame) => frame.params?.seq)).toEqual([2, 3])
  })

  it('broadcasts to the clients of every server once, and counts every server', async () => {
    const { a, b } = await pair()
    const onA = await open(url(a))
    const onB = await open(url(b))
    // A socket's first frame comes before any event (it may resume a session).
    expect((await onA.call('rpc.ping', undefined, 9)).result).toBe('pong')
    await onB.call('rpc.subscribe', { topic: 'x' }, 1)
    a.broadcast('hello', { from: 'a' })
    expect(await onA.next()).toEqual({ jsonrpc: '2.0', method: 'hello', params: { from: 'a' } })
    expect(await onB.next()).toEqual({ jsonrpc: '2.0', method: 'hello', params: { from: 'a' } })
    expect((await onA.call('rpc.ping', undefined, 10)).result).toBe('pong')
    expect(onA.pending).toEqual([])
    await vi.waitFor(async () => expect(await a.cluster()).toEqual({ processes: 2, connections: 2, clients: 2, topics: { x: 1 } }), patient)
    await b.close()
    // A closed server takes its report with it.
    expect(await a.cluster()).toMatchObject({ processes: 1, connections: 1 })
  })

  it('survives a Redis restart: publishing fails clearly meanwhile, clients stay, numbers go on, lost history is a gap', async () => {
    const { a, b, errors } = await pair()
    const live = await open(url(b))
    await live.call('rpc.subscribe', { topic: 't' }, 1)
    for (let i = 1; i <= 3; i++) await a.publish('t', i)
    expect([await live.next(), await live.next(), await live.next()].map((frame) => frame.params?.seq)).toEqual([1, 2, 3])

    await redis.kill()
    await vi.waitFor(() => expect(a.publish('t', 'lost')).rejects.toThrow(/^lifeline-ws\/server: publish to t failed: Redis is unavailable/), patient)
    expect((await live.call('rpc.ping', undefined, 2)).result).toBe('pong')
    const subscribing = await open(url(b))
    const refused = await subscribing.call('rpc.subscribe', { topic: 't', after: 3 }, 3)
    expect(refused.error).toMatchObject({ code: -32000, message: 'Topic history unavailable; subscribe again later' })

    await redis.start()
    // Numbering goes on above what the servers saw (Redis came back empty), never backwards.
    const seq = await vi.waitFor(() => a.publish('t', 'back'), { ...patient, timeout: 15_000, interval: 100 })
    expect(seq).toBe(4)
    expect(await live.next()).toMatchObject({ params: { topic: 't', seq: 4, data: 'back' } })
    // Messages 1-3 died with Redis: a cursor before them gets a gap; a cursor at 3 misses nothing.
    expect((await subscribing.call('rpc.subscribe', { topic: 't', after: 2 }, 4)).result).toEqual({ seq: 4, gap: true })
    const current = await open(url(a))
    expect((await current.call('rpc.subscribe', { topic: 't', after: 3 }, 5)).result).toEqual({ seq: 4, gap: false })
    expect((await current.next()).params).toMatchObject({ seq: 4, data: 'back' })
    expect(errors.some((err) => /Redis is unavailable/.test(String(err)))).toBe(true)
  })
})
