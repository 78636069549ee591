// The broker contract: the in-memory broker (the default) and the Redis broker (on a real
// redis-server this file starts) pass the same tests, through a real server and raw peers.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { memoryBroker, redisBroker, createHistory, type Broker } from '../../../src/server'
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

const publishFrame = (topic: string, seq: number, data: unknown) => ({ jsonrpc: '2.0', method: 'rpc.publish', params: { topic, seq, data } })
const sub = (id: number, topic: string, after?: number) =>
  ({ jsonrpc: '2.0', id, method: 'rpc.subscribe', params: { topic, ...(after !== undefined && { after }) } })

// Each test gets a broker of its own (its own keys, for Redis). The in-memory history names its
// numbering (an epoch, new with each history); Redis's numbering never starts again, so it has none.
const brokers: [string, (limit?: number) => Broker, boolean][] = [
  ['memory', (limit = 100) => memoryBroker(createHistory({ limit })), true],
  ['redis', (limit = 100) => redisBroker({ url: redis.url, prefix: `test:${randomUUID()}:`, history: { limit } }), false],
]

describe.each(brokers)('broker contract: %s', (_name, make, named) => {
  /** A subscribe answer: the latest seq, whether messages were lost, and the numbering's epoch if the broker has one. */
  const answer = (seq: number | null, gap: boolean) => ({ seq, gap, epoch: named ? expect.any(String) : undefined })

  it('numbers messages per topic and fans them out to that topic’s subscribers only', async () => {
    const server = await start({ broker: make() })
    const a = await open(url(server))
    const b = await open(url(server))
    expect((await a.call('rpc.subscribe', { topic: 'news' }, 1)).result).toEqual(answer(null, false))
    expect((await b.call('rpc.subscribe', { topic: 'sport' }, 1)).result).toEqual(answer(null, false))
    expect(await server.publish('news', { n: 1 })).toBe(1)
    expect(await server.publish('sport', 'goal')).toBe(1)
    expect(await server.publish('news', { n: 2 })).toBe(2)
    expect(await a.next()).toEqual(publishFrame('news', 1, { n: 1 }))
    expect(await a.next()).toEqual(publishFrame('news', 2, { n: 2 }))
    expect(await b.next()).toEqual(publishFrame('sport', 1, 'goal'))
    expect(b.pending).toEqual([])
  })

  it('replays what came after the cursor right after the answer, then continues live', async () => {
    const server = await start({ broker: make() })
    for (let i = 1; i <= 5; i++) await server.publish('t', i)
    const p = await open(url(server))
    p.send(sub(1, 't', 3))
    expect(await p.next()).toEqual({ jsonrpc: '2.0', id: 1, result: answer(5, false) })
    expect(await p.next()).toEqual(publishFrame('t', 4, 4))
    expect(await p.next()).toEqual(publishFrame('t', 5, 5))
    await server.publish('t', 6)
    expect(await p.next()).toEqual(publishFrame('t', 6, 6))
    expect((await p.call('rpc.ping', undefined, 3)).result).toBe('pong')
    expect(p.pending).toEqual([])
  })

  it('reports a gap, replaying what it still keeps, when the cursor is older than the kept history', async () => {
    const server = await start({ broker: make(2) })
    for (let i = 1; i <= 5; i++) await server.publish('t', i)
    const p = await open(url(server))
    p.send(sub(1, 't', 2))
    expect((await p.next()).result).toEqual(answer(5, true))
    expect([await p.next(), await p.next()].map((f) => f.params?.seq)).toEqual([4, 5])
    p.send(sub(2, 't', 3))
    expect((await p.next()).result).toEqual(answer(5, false))
    expect([await p.next(), await p.next()].map((f) => f.params?.seq)).toEqual([4, 5])
  })

  it('reports a gap when the cursor is beyond the latest number (the history was reset), and replays the new numbering', async () => {
    const server = await start({ broker: make() })
    await server.publish('t', 'a')
    const p = await open(url(server))
    p.send(sub(1, 't', 40))
    expect((await p.next()).result).toEqual(answer(1, true))
    expect((await p.next()).params).toEqual({ topic: 't', seq: 1, data: 'a' })
    expect((await p.call('rpc.ping', undefined, 2)).result).toBe('pong')
    expect(p.pending).toEqual([])
  })

  it('loses and doubles nothing between the replay and live messages while publishes keep coming', async () => {
    const server = await start({ broker: make(1000) })
    const total = 200
    let published = 0
    const publishing = (async () => {
      for (let i = 1; i <= total; i++) published = await server.publish('busy', i)
    })()
    await vi.waitFor(() => expect(published).toBeGreaterThanOrEqual(total / 4), patient)
    const p = await open(url(server))
    // Subscribe from the start while the publisher runs: every number must come exactly once, in order.
    p.send(sub(1, 'busy', 0))
    const answer = await p.next()
    expect(answer.result).toMatchObject({ gap: false })
    await publishing
    const seqs: number[] = []
    while (seqs.length < total) seqs.push((await p.next()).params!.seq!)
    expect(seqs).toEqual(Array.from({ length: total }, (_, i) => i + 1))
    expect((await p.call('rpc.ping', undefined, 2)).result).toBe('pong')
    expect(p.pending).toEqual([])
  })

  it('broadcasts to its clients, and counts connections and subscribers', async () => {
    const server = await start({ broker: make() })
    const a = await open(url(server))
    await a.call('rpc.subscribe', { topic: 'x' }, 1)
    server.broadcast('hello', { to: 'all' })
    expect(await a.next()).toEqual({ jsonrpc: '2.0', method: 'hello', params: { to: 'all' } })
    const counts = await server.cluster()
    expect(counts).toMatchObject({ processes: 1, connections: 1, clients: 1, topics: { x: 1 } })
  })

  it('rejects data that cannot be encoded, without taking a number', async () => {
    const server = await start({ broker: make() })
    expect(() => server.publish('t', { big: 1n })).toThrow()
    expect(await server.publish('t', 'ok')).toBe(1)
  })
})
