// Edges of the Redis broker: lost counters refused until restored, garbage on its channel,
// events and messages without params or data, a report that expired, the session store's
// defaults. On a real redis-server this file starts.
import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import { describe, expect, it, vi } from 'vitest'
import { createServer, redisBroker, redisSessionStore } from '../../../src/server'
import { cleanup, open, start, url } from '../server/helpers'
import { startRedis, useRedis, type RedisProcess } from './redis-server'
import { patient } from '../../helpers/wait'

let redis: RedisProcess
let inspect: Redis
useRedis((started, client) => {
  redis = started
  inspect = client
})

async function pair() {
  const prefix = `test:${randomUUID()}:`
  const errors: unknown[] = []
  const options = () => ({ broker: redisBroker({ url: redis.url, prefix }), onError: (err: unknown) => void errors.push(err) })
  return { prefix, a: await start(options()), b: await start(options()), errors }
}

describe('redisBroker edges', () => {
  it('refuses to publish while the counters are lost, and numbers on from what it saw once restored', async () => {
    const { prefix, a } = await pair()
    const peer = await open(url(a))
    await peer.call('rpc.subscribe', { topic: 't' }, 1)
    for (let i = 1; i <= 3; i++) await a.publish('t', i)
    // As if Redis had lost its data: the counter and the epoch are gone.
    await inspect.del(`${prefix}epoch`, `${prefix}seq:t`)
    await expect(a.publish('t', 'refused')).rejects.toThrow(/publish to t failed: Redis lost its data and the sequence numbers are being restored; try again/)
    // The servers' command connections come back (as after a restart) and restore the counters.
    const clients = await inspect.client('LIST')
    for (const line of String(clients).split('\n')) {
      const id = /id=(\d+) .*name=lifeline-commands/.exec(line)?.[1]
      if (id) await inspect.client('KILL', 'ID', id)
    }
    const seq = await vi.waitFor(() => a.publish('t', 'back'), { ...patient, interval: 50 })
    expect(seq).toBe(4)
    const seqs = [await peer.next(), await peer.next(), await peer.next(), await peer.next()].map((frame) => frame.params?.seq)
    expect(seqs).toEqual([1, 2, 3, 4])
  })

  it('reports garbage on its channel and goes on', async () => {
    const { prefix, a, errors } = await pair()
    await inspect.publish(`${prefix}topics`, 'not json')
    await vi.waitFor(() => expect(errors.some((err) => err instanceof SyntaxError)).toBe(true), patient)
    expect(await a.publish('t')).toBe(1)
  })

  it('carries events without params and messages without data', async () => {
    const { a, b } = await pair()
    const onB = await open(url(b))
    await onB.call('rpc.subscribe', { topic: 'empty' }, 1)
    a.broadcast('ping-all')
    expect(await onB.next()).toEqual({ jsonrpc: '2.0', method: 'ping-all' })
    await a.publish('empty')
    expect((await onB.next()).params).toEqual({ topic: 'empty', seq: 1, data: null })
  })

  it('counts only reports that have not expired, and none before it started', async () => {
    const { prefix, a } = await pair()
    await inspect.zadd(`${prefix}nodes`, Date.now() + 60_000, 'ghost')
    expect(await a.cluster()).toMatchObject({ processes: 2 })
    await expect(redisBroker({ url: redis.url }).cluster()).rejects.toThrow(/available once the server is ready/)
  })
})

describe('a server whose Redis is not up yet', () => {
  it('says so, waits for it to be ready, and serves once it is', async () => {
    const later = await startRedis({ stopped: true })
    cleanup(() => later.stop())
    const errors: unknown[] = []
    const server = createServer({ port: 0, host: '127.0.0.1', broker: redisBroker({ url: later.url }), onError: (err) => void errors.push(err) })
    cleanup(() => server.close())
    let ready = false
    void server.ready.then(() => {
      ready = true
    })
    await vi.waitFor(() => expect(errors.map(String).join('\n')).toMatch(/Redis is unavailable: the command connection cannot be opened \(.*ECONNREFUSED.*\); reconnecting/), patient)
    expect(ready).toBe(false)
    await expect(server.publish('t', 1)).rejects.toThrow(/publish to t failed: Redis is unavailable \(not connected\)/)
    await later.start()
    await vi.waitFor(() => expect(ready).toBe(true), patient)
    expect(await server.publish('t', 1)).toBe(1)
  })
})

describe('redisSessionStore edges', () => {
  it('uses the lifeline: prefix by default and returns nothing for a state past its expiry', async () => {
    const store = redisSessionStore({ url: redis.url })
    cleanup(() => store.close())
    const id = randomUUID()
    await store.save({ id, received: 1, sent: 1, frames: [], expires: Date.now() + 10_000 })
    expect(await inspect.exists(`lifeline:session:${id}`)).toBe(1)
    await inspect.set(`lifeline:session:${id}`, JSON.stringify({ id, received: 1, sent: 1, frames: [], expires: Date.now() - 1 }))
    expect(await store.take(id)).toBeUndefined()
  })
})
