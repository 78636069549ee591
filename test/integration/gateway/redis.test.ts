// Two gateways in one process on one real redis-server: what the backend asks of either reaches
// the user's connections on both; while Redis is away the API answers 503 and /readyz says so.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { client } from '../server/client-helper'
import { startRedis, type RedisProcess } from '../cluster/redis-server'
import { patient } from '../../helpers/wait'
import { apiKey, fakeBackend, gatewayFor } from './harness'
import type { CloseInfo } from '../../../src/index'

let redis: RedisProcess
beforeAll(async () => {
  redis = await startRedis()
})
afterAll(() => redis?.stop())

const post = async (base: string, route: string, body: unknown) => {
  const response = await fetch(`${base}/api/${route}`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body) })
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

async function pair() {
  const backend = await fakeBackend()
  const config = { redis: { prefix: `gw:${randomUUID()}:` } }
  const first = await gatewayFor(backend, config, { redisUrl: redis.url })
  const second = await gatewayFor(backend, config, { redisUrl: redis.url })
  return { backend, first, second }
}

describe('gateways on Redis', () => {
  it('notifies and disconnects a user’s connections on every process, and publishes to subscribers on both', async () => {
    const { first, second } = await pair()
    const here = client(first.url)
    const there = client(second.url)
    const events: string[] = []
    const news: unknown[] = []
    here.listen('dm', () => void events.push('here'))
    there.listen('dm', () => void events.push('there'))
    there.subscribe('news', (message) => void news.push(message))
    await Promise.all([here.ready(), there.ready()])
    await vi.waitFor(async () => expect(((await post(second.api, 'publish', { topic: 'probe' })).body.seq as number) > 0).toBe(true), patient)

    expect(await post(first.api, 'notify', { user: 'ann', event: 'dm', params: {} })).toEqual({ status: 200, body: { processes: 2 } })
    await vi.waitFor(() => expect(events.sort()).toEqual(['here', 'there']), patient)
    await vi.waitFor(async () => expect((await post(first.api, 'publish', { topic: 'news', data: 'hello' })).body).toEqual({ seq: 1 }), patient)
    await vi.waitFor(() => expect(news).toEqual(['hello']), patient)

    const closes: CloseInfo[] = []
    for (const c of [here, there]) c.on('close', (info) => void closes.push(info))
    expect(await post(second.api, 'disconnect', { user: 'ann', code: 4409, reason: 'Logged out' })).toEqual({ status: 200, body: { processes: 2 } })
    await vi.waitFor(() => expect(closes.map(({ code, reason }) => [code, reason])).toEqual([[4409, 'Logged out'], [4409, 'Logged out']]), patient)
  })

  it('answers 503 and turns /readyz 503 while Redis is away, and recovers when it is back, orders across processes too', async () => {
    const { first, second } = await pair()
    const there = client(second.url)
    const events: number[] = []
    there.listen('dm', (params) => void events.push((params as { n: number }).n))
    await there.ready()
    expect((await fetch(`${first.http}/readyz`)).status).toBe(200)
    await redis.kill()
    try {
      await vi.waitFor(async () => expect(await (await fetch(`${first.http}/readyz`)).json()).toEqual({ status: 'not ready' }), patient)
      expect(await post(first.api, 'publish', { topic: 'news', data: 1 })).toEqual({ status: 503, body: { error: 'unavailable, try again' } })
      expect((await post(first.api, 'notify', { user: 'ann', event: 'x' })).status).toBe(503)
    } finally {
      await redis.start()
    }
    await vi.waitFor(async () => expect((await fetch(`${first.http}/readyz`)).status).toBe(200), { ...patient, timeout: 20_000 })
    await vi.waitFor(async () => expect((await post(first.api, 'publish', { topic: 'news', data: 2 })).status).toBe(200), { ...patient, timeout: 20_000 })
    // The second process subscribed to the orders channel again when Redis came back (the gateway does it
    // itself: ioredis's own resubscribe is off, as its failure would be an unhandled rejection).
    await vi.waitFor(async () => {
      await post(first.api, 'notify', { user: 'ann', event: 'dm', params: { n: 1 } })
      expect(events).toContain(1)
    }, { ...patient, timeout: 20_000 })
  })
})
