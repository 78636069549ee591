/**
 * The outbox against a real server restart: a stream of notifications keeps
 * going while the server goes away and a new one takes its port. Every frame
 * that waited in the outbox arrives exactly once, in order, and nothing is
 * duplicated across the two servers.
 */
import { describe, expect, it, vi } from 'vitest'
import { start, url } from './server/helpers'
import { client } from './server/client-helper'
import type { SendResult } from '../../src/index'
import { patient } from '../helpers/wait'

describe('outbox across a server restart', () => {
  it('loses nothing that was still queued and duplicates nothing', async () => {
    const seenA: number[] = []
    const seenB: number[] = []
    const record = (into: number[]) => ({ log: (p: unknown) => void into.push((p as { n: number }).n) })
    const a = await start({ methods: record(seenA) })
    const port = a.port!
    const c = client(url(a))
    await c.ready()

    const results = new Map<number, SendResult>()
    const send = (n: number) => results.set(n, c.notify('log', { n }))
    let n = 0
    for (; n < 50; n++) send(n)
    await vi.waitFor(() => expect(seenA.length).toBe(50), patient)

    // Mid-stream: the server leaves; sends go on while it is away.
    const closing = a.close()
    for (; n < 100; n++) send(n)
    await closing
    await vi.waitFor(() => expect(c.state).toBe('reconnecting'), patient)
    for (; n < 200; n++) send(n)
    expect(c.queued).toBeGreaterThanOrEqual(100)

    const b = await start({ methods: record(seenB) }, port)
    await vi.waitFor(() => expect(c.state).toBe('open'), patient)
    for (; n < 220; n++) send(n)
    await vi.waitFor(() => expect(seenB).toContain(219), patient)

    const queued = [...results].filter(([, r]) => r === 'queued').map(([k]) => k)
    const all = [...seenA, ...seenB]
    // Exactly once: no frame twice, across both servers.
    expect(new Set(all).size).toBe(all.length)
    // Nothing that waited in the outbox was lost.
    for (const k of queued) expect(all).toContain(k)
    expect(queued.length).toBeGreaterThanOrEqual(100)
    // In order on each server.
    expect(seenA).toEqual([...seenA].sort((x, y) => x - y))
    expect(seenB).toEqual([...seenB].sort((x, y) => x - y))
    expect(c.queued).toBe(0)
    await b.close()
  })
})
