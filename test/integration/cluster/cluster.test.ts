// Three real server processes on one real redis-server, real lifeline clients on ws: fan-out
// across processes, a process killed with SIGKILL mid-stream (its clients move to the others
// through their URL provider and resume by cursor), and Redis restarted mid-stream.
import { randomUUID } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { client } from '../server/client-helper'
import { buildServer, startNode, type NodeProcess } from './nodes'
import { startRedis, type RedisProcess } from './redis-server'
import { patient } from '../../helpers/wait'

let redis: RedisProcess
let nodes: NodeProcess[] = []
beforeAll(async () => {
  await buildServer()
  redis = await startRedis()
})
afterEach(async () => {
  await Promise.all(nodes.map((node) => node.kill()))
  nodes = []
})
afterAll(async () => {
  await redis?.stop()
})

async function cluster(size = 3) {
  const prefix = `test:${randomUUID()}:`
  nodes = await Promise.all(Array.from({ length: size }, () => startNode(redis.url, prefix)))
  return nodes
}

const alive = (node: NodeProcess) => node.child.exitCode === null && node.child.signalCode === null

/** A client that prefers `node` and moves to the next live one when it is gone, recording what a topic brings. */
function subscriber(all: NodeProcess[], index: number, topic: string) {
  const received: { seq: number; data: unknown }[] = []
  const gaps: number[] = []
  const c = client(() => (all.slice(index).concat(all.slice(0, index)).find(alive) ?? all[index]!).url)
  c.subscribe(topic, (data, meta) => void received.push({ seq: meta.seq!, data }), { onGap: () => void gaps.push(received.length) })
  return { client: c, received, gaps }
}

/** Wait until every process reports its subscriber to `topic` (a subscribe answered before the stream starts). */
async function subscribed(publisher: ReturnType<typeof client>, topic: string, count: number) {
  await vi.waitFor(async () => expect(((await publisher.call('cluster')) as { topics: Record<string, number> }).topics[topic]).toBe(count), patient)
}

const numbers = (count: number) => Array.from({ length: count }, (_, i) => i + 1)

describe('three server processes on Redis', () => {
  it('delivers every message published on one process to subscribers on all three, once, in order', async () => {
    const all = await cluster()
    const subscribers = all.map((_, index) => subscriber(all, index, 'feed'))
    await Promise.all(subscribers.map((s) => s.client.ready()))
    const publisher = client(all[0]!.url)
    await subscribed(publisher, 'feed', 3)
    await publisher.call('stream', { topic: 'feed', count: 300 })
    await publisher.call('streamed')
    for (const s of subscribers) {
      await vi.waitFor(() => expect(s.received.length).toBeGreaterThanOrEqual(300), { ...patient, timeout: 20_000 })
      expect(s.received.map((m) => m.data)).toEqual(numbers(300))
      expect(s.received.map((m) => m.seq)).toEqual(numbers(300))
      expect(s.gaps).toEqual([])
    }
  })

  it('moves the clients of a process killed with SIGKILL mid-stream to the others, with no gap and no duplicate', async () => {
    const all = await cluster()
    const subscribers = all.map((_, index) => subscriber(all, index, 'feed'))
    await Promise.all(subscribers.map((s) => s.client.ready()))
    const publisher = client(all[0]!.url)
    await subscribed(publisher, 'feed', 3)
    await publisher.call('stream', { topic: 'feed', count: 600 })
    await vi.waitFor(() => expect(subscribers[2]!.received.length).toBeGreaterThanOrEqual(100), { ...patient, timeout: 20_000 })
    await all[2]!.kill()
    await publisher.call('streamed')
    for (const s of subscribers) {
      await vi.waitFor(() => expect(s.received.length).toBeGreaterThanOrEqual(600), { ...patient, timeout: 20_000 }).catch((err: unknown) => {
        const seqs = s.received.map((m) => m.seq)
        const missing = numbers(600).filter((n) => !seqs.includes(n))
        throw new Error(`subscriber ${subscribers.indexOf(s)}: ${s.received.length}; missing ${missing.slice(0, 20).join(',')}... gaps ${s.gaps}; ${String(err)}`)
      })
      expect(s.received.map((m) => m.data)).toEqual(numbers(600))
      expect(s.gaps).toEqual([])
    }
    // The moved client really is on another process now.
    expect(await subscribers[2]!.client.call('whoami')).not.toBe(all[2]!.child.pid)
  })

  it('goes on through a Redis restart mid-stream: numbers never go back, subscribers get everything published after it', async () => {
    const all = await cluster()
    const subscribers = all.map((_, index) => subscriber(all, index, 'feed'))
    await Promise.all(subscribers.map((s) => s.client.ready()))
    const publisher = client(all[0]!.url)
    await subscribed(publisher, 'feed', 3)
    await publisher.call('stream', { topic: 'feed', count: 400 })
    await vi.waitFor(() => expect(subscribers[1]!.received.length).toBeGreaterThanOrEqual(100), { ...patient, timeout: 20_000 })
    await redis.kill()
    // Publishing fails clearly while Redis is away (the process logs it and tries again).
    await vi.waitFor(() => expect(all[0]!.log.join('')).toMatch(/publish to feed failed: Redis is unavailable/), patient)
    await redis.start()
    await vi.waitFor(async () => expect(await publisher.call('streamed')).toBeNull(), { ...patient, timeout: 30_000 })
    for (const s of subscribers) {
      await vi.waitFor(() => expect(s.received.at(-1)?.data).toBe(400), { ...patient, timeout: 20_000 })
      // Numbers never repeat nor go back, across the restart.
      const seqs = s.received.map((m) => m.seq)
      expect(seqs.every((seq, i) => i === 0 || seq > seqs[i - 1]!)).toBe(true)
      // Everything published after Redis came back arrives. The one publish that may have been in
      // flight when Redis was SIGKILLed (without persistence) can be lost with Redis's memory; the
      // publisher retries a failed publish, so at most one value may also come twice.
      const data = s.received.map((m) => m.data as number)
      const missing = numbers(400).filter((n) => !data.includes(n))
      expect(missing.length).toBeLessThanOrEqual(1)
      expect(data.length - new Set(data).size).toBeLessThanOrEqual(1)
      expect(s.client.state).toBe('open')
    }
  })
})
