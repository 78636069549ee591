// Flow control (issue #19): protocol requests never count against maxInFlight, and application
// requests over it wait in a bounded FIFO instead of being refused. The real client against the
// real server, with the server's default limits.
import { describe, expect, it, vi } from 'vitest'
import { createHistory, createServer } from '../../../src/server'
import { client } from './client-helper'
import { deferred, open, start, track, url } from './helpers'
import { patient } from '../../helpers/wait'

const rpc = (id: number, method: string, params?: unknown) => ({ jsonrpc: '2.0', id, method, params })
const names = (count: number) => Array.from({ length: count }, (_, index) => `topic-${index}`)

/**
 * Subscribe to every topic and collect, per topic, the messages it delivers. Twenty at a time,
 * which even a server that counts subscribes as work accepts: what is tested is the batch of
 * every topic that the client resends on its next open.
 */
async function subscribeAll(c: ReturnType<typeof client>, topics: string[]) {
  const got = new Map<string, unknown[]>(topics.map((topic) => [topic, []]))
  for (let start = 0; start < topics.length; start += 20) {
    const chunk = topics.slice(start, start + 20)
    await Promise.all(chunk.map((topic) => c.subscribe(topic, (data) => got.get(topic)!.push(data)).ready))
  }
  return got
}

describe('flow control', () => {
  for (const count of [100, 1000]) {
    it(`keeps ${count} topics across reconnect()`, async () => {
      const server = await start()
      const c = client(url(server))
      const topics = names(count)
      const got = await subscribeAll(c, topics)
      const reopened = new Promise<void>((resolve) => c.on('open', () => resolve()))
      c.reconnect()
      await reopened
      for (const topic of topics) server.publish(topic, 'after')
      await vi.waitFor(() => expect([...got.values()].every((messages) => messages.length === 1), 'one message on every topic').toBe(true), { ...patient, timeout: 20_000 })
      expect(server.stats.errors).toBe(0)
    })

    it(`keeps ${count} topics across a server restart`, async () => {
      const history = createHistory()
      const old = await start({ history })
      const port = old.port!
      const c = client(url(old))
      const topics = names(count)
      const got = await subscribeAll(c, topics)
      await old.close()
      const fresh = track(createServer({ port, host: '127.0.0.1', history, onError: () => {} }))
      await fresh.ready
      // Published before the client is back: it arrives as the replay after each resubscribe.
      for (const topic of topics) fresh.publish(topic, 'after')
      await vi.waitFor(() => expect([...got.values()].every((messages) => messages.length === 1), 'one message on every topic').toBe(true), { ...patient, timeout: 20_000 })
      expect(fresh.stats.errors).toBe(0)
    })
  }

  it('answers 1,000 calls queued offline with their real replies once the socket opens', async () => {
    // The method yields, so the calls overlap and the 33rd onwards have to wait for a slot.
    const server = await start({ methods: { double: async (n: unknown) => { await new Promise((r) => setImmediate(r)); return (n as number[])[0]! * 2 } } })
    const c = client(url(server), { lazy: true })
    const calls = Array.from({ length: 1000 }, (_, index) => c.call('double', [index]))
    c.connect()
    const results = await Promise.allSettled(calls)
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []))
    expect(refused.length, refused[0]).toBe(0)
    expect(results.map((r) => (r as PromiseFulfilledResult<unknown>).value)).toEqual(Array.from({ length: 1000 }, (_, index) => index * 2))
  })

  it('confirms 1,000 subscribes made at once on an open client', async () => {
    const server = await start()
    const c = client(url(server))
    await c.ready()
    const topics = names(1000)
    const results = await Promise.allSettled(topics.map((topic) => c.subscribe(topic).ready))
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []))
    expect(refused.length, refused[0]).toBe(0)
    expect([...server.clients.values()][0]!.topics.size).toBe(1000)
  })

  it('queues requests over maxInFlight in order, refuses only beyond maxQueued, never refuses notifications', async () => {
    const started: string[] = []
    const { promise: gate, resolve: release } = deferred()
    const server = await start({
      maxInFlight: 2,
      maxQueued: 2,
      methods: {
        wait: async (params) => {
          started.push((params as string[])[0]!)
          await gate
          return (params as string[])[0]
        },
      },
    })
    const p = await open(url(server))
    p.send([rpc(1, 'wait', ['a']), rpc(2, 'wait', ['b']), rpc(3, 'wait', ['c'])])
    p.send({ jsonrpc: '2.0', method: 'wait', params: ['note'] })
    // The FIFO holds c and the notification: the next request is refused.
    expect(await p.call('wait', ['d'], 4)).toEqual({ jsonrpc: '2.0', id: 4, error: { code: -32000, message: 'Too many requests' } })
    // Protocol requests never wait: a ping and a subscribe are answered at once.
    expect((await p.call('rpc.ping', undefined, 5)).result).toBe('pong')
    expect((await p.call('rpc.subscribe', { topic: 't' }, 6)).result).toEqual({ seq: null, gap: false, epoch: expect.any(String) })
    expect(started).toEqual(['a', 'b'])
    release()
    expect(await p.next()).toEqual([
      { jsonrpc: '2.0', id: 1, result: 'a' },
      { jsonrpc: '2.0', id: 2, result: 'b' },
      { jsonrpc: '2.0', id: 3, result: 'c' },
    ])
    // Queued work starts in arrival order.
    expect(started).toEqual(['a', 'b', 'c', 'note'])
    expect((await p.call('wait', ['e'], 7)).result).toBe('e')
  })

  it('validates maxQueued', async () => {
    expect(() => createServer({ noServer: true, maxQueued: -1 })).toThrow(/maxQueued/)
    expect(() => createServer({ noServer: true, maxQueued: 1.5 })).toThrow(RangeError)
  })
})
