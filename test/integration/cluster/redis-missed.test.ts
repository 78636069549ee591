// Messages a process missed on pub/sub are fetched from the topic's stream: a number that jumps
// (the messages in between were written to Redis but their pub/sub copies never came), and a
// pub/sub connection that Redis cut (CLIENT KILL) and that comes back. Old entries count as
// forgotten. On a real redis-server this file starts.
import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import { describe, expect, it } from 'vitest'
import { redisBroker } from '../../../src/server'
import { open, start, url } from '../server/helpers'
import { useRedis, type RedisProcess } from './redis-server'

let redis: RedisProcess
let inspect: Redis
useRedis((started, client) => {
  redis = started
  inspect = client
})

async function setup() {
  const prefix = `test:${randomUUID()}:`
  const errors: unknown[] = []
  const server = await start({ broker: redisBroker({ url: redis.url, prefix, history: { maxAge: 60_000 } }), onError: (err) => void errors.push(err) })
  const peer = await open(url(server))
  await peer.call('rpc.subscribe', { topic: 't' }, 1)
  return { prefix, server, peer, errors }
}

describe('messages missed on pub/sub', () => {
  it('fetches the numbers a jump skipped from the stream, then goes on in order', async () => {
    const { prefix, server, peer } = await setup()
    expect(await server.publish('t', 'one')).toBe(1)
    expect((await peer.next()).params).toMatchObject({ seq: 1 })
    // Messages 2 and 3 reach Redis but not this process's pub/sub; 4 does.
    const now = String(Date.now())
    await inspect.xadd(`${prefix}history:t`, '2-0', 'd', '"two"', 't', now)
    await inspect.xadd(`${prefix}history:t`, '3-0', 'd', '"three"', 't', now)
    await inspect.set(`${prefix}seq:t`, 3)
    expect(await server.publish('t', 'four')).toBe(4)
    const got = [await peer.next(), await peer.next(), await peer.next()].map((frame) => [frame.params?.seq, frame.params?.data])
    expect(got).toEqual([[2, 'two'], [3, 'three'], [4, 'four']])
    // A copy that comes late is not sent twice.
    await inspect.publish(`${prefix}topics`, JSON.stringify(['t', 3, 'three']))
    expect(await server.publish('t', 'five')).toBe(5)
    expect((await peer.next()).params).toMatchObject({ seq: 5, data: 'five' })
    expect(peer.pending).toEqual([])
  })

  it('catches up after Redis cut its pub/sub connection', async () => {
    const { server, peer, errors } = await setup()
    expect(await server.publish('t', 1)).toBe(1)
    expect((await peer.next()).params).toMatchObject({ seq: 1 })
    await inspect.client('KILL', 'TYPE', 'pubsub')
    // Published while the pub/sub connection is away (it comes back after 100 ms at the earliest).
    for (let i = 2; i <= 4; i++) await server.publish('t', i)
    const got = [await peer.next(), await peer.next(), await peer.next()].map((frame) => frame.params?.seq)
    expect(got).toEqual([2, 3, 4])
    expect(await server.publish('t', 5)).toBe(5)
    expect((await peer.next()).params).toMatchObject({ seq: 5 })
    expect(errors.map(String).join('\n')).toMatch(/the pub\/sub connection was lost/)
  })

  it('counts entries older than history.maxAge as forgotten', async () => {
    const { prefix, server } = await setup()
    await inspect.xadd(`${prefix}history:old`, '1-0', 'd', '"stale"', 't', String(Date.now() - 120_000))
    await inspect.xadd(`${prefix}history:old`, '2-0', 'd', '"fresh"', 't', String(Date.now()))
    await inspect.set(`${prefix}seq:old`, 2)
    const peer = await open(url(server))
    expect((await peer.call('rpc.subscribe', { topic: 'old', after: 0 }, 1)).result).toEqual({ seq: 2, gap: true })
    expect((await peer.call('rpc.subscribe', { topic: 'old', after: 1 }, 2)).result).toEqual({ seq: 2, gap: false })
    expect((await peer.next()).params).toMatchObject({ seq: 2, data: 'fresh' })
  })
})
