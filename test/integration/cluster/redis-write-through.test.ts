// The write-through session store in process, on a real redis-server this file starts: what it
// keeps in Redis as frames flow (counts, unacknowledged frames, trimmed by acks), taking a session
// over from a process that is still alive (fencing), a client that comes back to the process it
// left, a graceful handover, a new page, an ended session, and Redis going away under a session.
import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import { describe, expect, it, vi } from 'vitest'
import { redisSessionStore, type Context } from '../../../src/server'
import { cleanup, start, url } from '../server/helpers'
import { sessionClient } from '../server/session-client'
import { startRedis, useRedis, type RedisProcess } from './redis-server'
import { patient } from '../../helpers/wait'

let redis: RedisProcess
let inspect: Redis
useRedis((started, client) => {
  redis = started
  inspect = client
})

const note = (n: number) => ({ jsonrpc: '2.0', method: 'log', params: [n] })

function store(prefix: string, target = redis) {
  const made = redisSessionStore({ url: target.url, prefix, writeThrough: true })
  cleanup(() => made.close())
  return made
}

/** A server writing sessions through under `prefix`, logging `log` params, with onError and onDisconnect recorded. */
async function server(prefix: string, log: number[], target = redis, ttl = 30_000) {
  const errors: string[] = []
  const disconnects: string[] = []
  const contexts: Context[] = []
  const methods = {
    log: (params: unknown) => void log.push((params as number[])[0]!),
    leave: (_: unknown, ctx: Context) => ctx.close(4000, 'bye'),
    remember: (_: unknown, ctx: Context) => void contexts.push(ctx),
  }
  const sessions = store(prefix, target)
  const made = await start({
    methods, onError: (err) => void errors.push(String(err)), onDisconnect: (ctx) => void disconnects.push(ctx.id),
    sessions: { store: sessions, ackDelay: 60_000, ttl },
  })
  return { server: made, store: sessions, errors, disconnects, contexts }
}

describe('redisSessionStore({ writeThrough: true })', () => {
  it('rejects a writeThrough that is not a boolean', () => {
    expect(() => redisSessionStore({ url: redis.url, writeThrough: 'yes' as never })).toThrow(/writeThrough must be a boolean/)
  })

  it('saves a session it never wrote through whole, releases one it did, and takes each over once', async () => {
    const prefix = `wt:${randomUUID()}:`
    const made = store(prefix)
    const expires = Date.now() + 60_000
    await made.save({ id: 's1', received: 4, sent: 3, frames: ['b', 'c'], expires })
    expect(await made.take('s1')).toMatchObject({ id: 's1', received: 4, sent: 3, frames: ['b', 'c'] })
    expect(await made.take('nobody')).toBeUndefined()
    // Already expired: nothing is written.
    await made.save({ id: 's2', received: 0, sent: 0, frames: [], expires: Date.now() - 1 })
    expect(await inspect.exists(`${prefix}session:s2:state`)).toBe(0)
    // Written through already: only the expiry moves, the counts in Redis stay the truth.
    await made.save({ id: 's1', received: 1, sent: 1, frames: [], expires: Date.now() + 5_000 })
    expect(await inspect.hget(`${prefix}session:s1:state`, 'received')).toBe('4')
    expect(await inspect.pttl(`${prefix}session:s1:state`)).toBeLessThanOrEqual(5_000)
    // Handed over by a process without writeThrough (a rolling deploy that turns it on): taken once, then gone.
    const plain = redisSessionStore({ url: redis.url, prefix })
    cleanup(() => plain.close())
    await plain.save({ id: 's3', received: 2, sent: 1, frames: ['a'], expires })
    expect(await made.take('s3')).toEqual({ id: 's3', received: 2, sent: 1, frames: ['a'], expires })
    expect(await made.take('s3')).toBeUndefined()
    await inspect.set(`${prefix}session:s5`, JSON.stringify({ id: 's5', received: 0, sent: 0, frames: [], expires: Date.now() - 1 }))
    expect(await made.take('s5')).toBeUndefined()
    // A store that never connected closes at once.
    await redisSessionStore({ url: redis.url, writeThrough: true }).close()
  })

  it('keeps counts and unacknowledged frames in Redis, moves to another live process, and back: each frame runs once', async () => {
    const prefix = `wt:${randomUUID()}:`
    const log: number[] = []
    const one = await server(prefix, log)
    const two = await server(prefix, log)
    const client = sessionClient(url(one.server))
    const first = await client.open()
    const keys = [`${prefix}session:${first.id}:state`, `${prefix}session:${first.id}:out`]
    for (let n = 1; n <= 5; n++) client.send(note(n))
    client.send({ jsonrpc: '2.0', id: 'r6', method: 'log', params: [6] })
    await vi.waitFor(() => expect({ logged: log.length, tracked: client.tracked.length }).toEqual({ logged: 6, tracked: 1 }), patient)
    expect(await inspect.hmget(keys[0]!, 'received', 'sent', 'base')).toEqual(['6', '1', '0'])
    expect(await inspect.lrange(keys[1]!, 0, -1)).toEqual([JSON.stringify({ jsonrpc: '2.0', id: 'r6', result: null })])
    client.ack()
    await vi.waitFor(async () => expect(await inspect.hget(keys[0]!, 'base')).toBe('1'), patient)
    expect(await inspect.llen(keys[1]!)).toBe(0)

    // The socket drops; the client comes back through another process, which takes the session over.
    client.drop()
    expect(await client.open({ address: url(two.server) })).toMatchObject({ id: first.id, resumed: true, received: 6 })
    for (let n = 7; n <= 9; n++) client.send(note(n))
    await vi.waitFor(() => expect(log.length).toBe(9), patient)
    // And back to the first, which still holds its stale copy: it lets go of it and takes the session from Redis.
    client.drop()
    expect(await client.open({ address: url(one.server) })).toMatchObject({ id: first.id, resumed: true, received: 9 })
    expect(one.disconnects.filter((id) => id === first.id)).toHaveLength(1)
    client.send(note(10))
    await vi.waitFor(() => expect(log.length).toBe(10), patient)
    expect(log).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    // The second process learns it lost the session at its next write; moving is not an error.
    expect([...one.errors, ...two.errors]).toEqual([])
  })

  it('a process that lost the session to another fails its late writes and lets go of it, quietly; an idle served session stays in Redis', async () => {
    const prefix = `wt:${randomUUID()}:`
    const log: number[] = []
    const one = await server(prefix, log, redis, 300)
    const two = await server(prefix, log)
    const client = sessionClient(url(one.server))
    const first = await client.open()
    client.send({ jsonrpc: '2.0', method: 'remember', params: [] })
    await vi.waitFor(() => expect(one.contexts.length).toBe(1), patient)
    // Idle for longer than the ttl while served: the keys are refreshed, not expired. A real wait, the
    // one way to show it: Redis expires keys on its own clock, which no fake clock in this process reaches.
    await new Promise((resolve) => setTimeout(resolve, 450))
    expect(await inspect.exists(`${prefix}session:${first.id}:state`)).toBe(1)
    client.drop()
    expect(await client.open({ address: url(two.server) })).toMatchObject({ id: first.id, resumed: true, received: 1 })
    // The first process still holds its copy (waiting for its client); a late event from it is fenced off.
    one.contexts[0]!.notify('late', [1])
    await vi.waitFor(() => expect(one.disconnects).toContain(first.id), patient)
    client.send(note(2))
    await vi.waitFor(() => expect(log.length).toBe(1), patient)
    expect(client.tracked).toEqual([])
    expect(await inspect.llen(`${prefix}session:${first.id}:out`)).toBe(0)
    expect(one.errors).toEqual([])
  })

  it('ends a session whose unacknowledged frames go over maxBytes, once Redis kept them: 1013, and forgets it in Redis', async () => {
    const prefix = `wt:${randomUUID()}:`
    const made = await start({ sessions: { store: store(prefix), maxBytes: 2000, ackDelay: 60_000 } })
    const client = sessionClient(url(made))
    const first = await client.open()
    const ctx = [...made.clients.values()][0]!
    for (let n = 0; n < 30; n++) ctx.notify('big', ['x'.repeat(100)])
    expect(await client.closed()).toEqual({ code: 1013, reason: 'Session buffer full' })
    expect(client.tracked.length).toBeLessThan(30)
    await vi.waitFor(async () => expect(await inspect.exists(`${prefix}session:${first.id}:state`)).toBe(0), patient)
  })

  it('hands over on close(), starts over for a new page, and forgets a session that ends', async () => {
    const prefix = `wt:${randomUUID()}:`
    const log: number[] = []
    const one = await server(prefix, log)
    const two = await server(prefix, log)
    const client = sessionClient(url(one.server))
    const first = await client.open()
    const state = `${prefix}session:${first.id}:state`
    client.send(note(1))
    client.send({ jsonrpc: '2.0', id: 'r2', method: 'log', params: [2] })
    await vi.waitFor(() => expect(client.tracked.length).toBe(1), patient)
    await one.server.close()
    expect(await client.closed()).toMatchObject({ code: 1012 })
    expect(await inspect.hget(state, 'owner')).toBe('')
    // A reloaded page: the session goes on, its outbound frames start over.
    expect(await client.open({ address: url(two.server), received: null })).toMatchObject({ id: first.id, resumed: true, received: 2 })
    await vi.waitFor(async () => expect(await inspect.hget(state, 'sent')).toBe('0'), patient)
    expect(await inspect.exists(`${prefix}session:${first.id}:out`)).toBe(0)
    client.send({ jsonrpc: '2.0', id: 'r3', method: 'leave', params: [] })
    expect(await client.closed()).toEqual({ code: 4000, reason: 'bye' })
    await vi.waitFor(async () => expect(await inspect.exists(state)).toBe(0), patient)
    expect(log).toEqual([1, 2])
  })

  it('lets go of a session whose writes fail while Redis is away, and says why', async () => {
    const own = await startRedis()
    cleanup(() => own.stop())
    const log: number[] = []
    const one = await server(`wt:${randomUUID()}:`, log, own)
    const client = sessionClient(url(one.server))
    await client.open()
    client.send(note(1))
    await vi.waitFor(() => expect(log.length).toBe(1), patient)
    await own.kill()
    client.send(note(2))
    expect(await client.closed()).toEqual({ code: 1012, reason: 'Service restart' })
    expect(log).toEqual([1])
    expect(one.errors.join('\n')).toMatch(/writing session .* through failed: Redis is unavailable/)
    await expect(one.store.take('s')).rejects.toThrow(/taking a session failed: Redis is unavailable/)
    await expect(one.store.save({ id: 's', received: 0, sent: 0, frames: [], expires: Date.now() + 1000 })).rejects.toThrow(/saving session s failed: Redis is unavailable/)
  })
})
