// A server restart: the old server closes (1012), a new one starts on the same port with the
// same history store, and clients reconnect on their own and resume every topic exactly once.
import { describe, expect, it, vi } from 'vitest'
import { createHistory, createServer } from '../../../src/server'
import { client } from './client-helper'
import { start, track, url } from './helpers'
import { patient } from '../../helpers/wait'

describe('restart on the same port', () => {
  it('reconnects, resubscribes, and delivers what was published in between exactly once', async () => {
    const history = createHistory({ limit: 100 })
    const methods = { echo: (p: unknown) => p }
    const old = await start({ history, methods })
    const port = old.port!
    const clients = [client(url(old)), client(url(old))]
    const got = clients.map(() => ({ news: [] as unknown[], other: [] as unknown[] }))
    await Promise.all(clients.flatMap((c, i) => [
      c.subscribe('news', (d) => got[i]!.news.push(d)).ready,
      c.subscribe('other', (d) => got[i]!.other.push(d)).ready,
    ]))
    const closes: number[] = []
    clients.forEach((c) => c.on('close', (e) => closes.push(e.code)))

    old.publish('news', 'n1')
    old.publish('other', 'o1')
    await vi.waitFor(() => expect(got.map((g) => [g.news.length, g.other.length])).toEqual(got.map(() => [1, 1])), patient)

    await old.close()
    expect(closes).toEqual([1012, 1012])
    // Published while no server was up, then by the new one before the clients are back.
    old.publish('news', 'n2')
    const fresh = track(createServer({ port, host: '127.0.0.1', history, methods }))
    // Before it can have accepted anyone: the clients are still away.
    fresh.publish('news', 'n3')
    fresh.publish('other', 'o2')
    await fresh.ready

    await vi.waitFor(() => expect(fresh.stats.connections).toBe(2), patient)
    await Promise.all(clients.map((c) => c.ready()))
    fresh.publish('news', 'n4')
    await vi.waitFor(() => expect(got.every((g) => g.news.length >= 4 && g.other.length >= 2), 'every client has 4 news and 2 other').toBe(true), patient)
    // Nothing more is on its way: a round trip through each client settles the order.
    await Promise.all(clients.map((c) => c.call('echo', ['sync'])))
    for (const g of got) expect(g).toEqual({ news: ['n1', 'n2', 'n3', 'n4'], other: ['o1', 'o2'] })
    expect(clients.map((c) => c.state)).toEqual(['open', 'open'])
  })
})
