// A server restart: the old server closes (1012), a new one starts on the same port with the
// same history store, and clients reconnect on their own and resume every topic exactly once.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { createHistory, createServer, fileHistory, type HistoryStore, type Server } from '../../../src/server'
import { client } from './client-helper'
import { cleanup, start, track, url } from './helpers'
import { patient } from '../../helpers/wait'

/** The client's messages of topic `room` as [data, seq], and how many gaps it was told of. */
async function watchRoom(c: ReturnType<typeof client>) {
  const seen: [unknown, number | undefined][] = []
  let gaps = 0
  await c.subscribe('room', (data, meta) => seen.push([data, meta.seq]), { onGap: () => gaps++ }).ready
  return { seen, gaps: () => gaps }
}

/**
 * On the new server: 'after the restart' before the client is back, 'live' once it is; returns when
 * `arrived` holds and a round trip showed that nothing more is on its way.
 */
async function publishAcrossReturn(fresh: Server, c: ReturnType<typeof client>, arrived: () => boolean) {
  fresh.publish('room', 'after the restart')
  await vi.waitFor(() => expect(fresh.stats.connections).toBe(1), patient)
  await c.ready()
  fresh.publish('room', 'live')
  await vi.waitFor(() => expect(arrived()).toBe(true), patient)
  await c.call('echo', ['sync'])
}

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

  it('without a shared history: takes the new numbering from its start, and says older messages may be lost', async () => {
    const methods = { echo: (p: unknown) => p }
    const old = await start({ methods })
    const port = old.port!
    const c = client(url(old))
    const { seen, gaps } = await watchRoom(c)
    for (const text of ['a', 'b', 'c']) old.publish('room', text)
    await vi.waitFor(() => expect(seen).toHaveLength(3), patient)

    await old.close()
    // A new process would start with an empty history: so does this server. Its first message is
    // published before the client is back; before the fix the client took seq 1 for one it had seen.
    const fresh = track(createServer({ port, host: '127.0.0.1', methods }))
    await publishAcrossReturn(fresh, c, () => seen.length >= 5)
    expect(seen).toEqual([['a', 1], ['b', 2], ['c', 3], ['after the restart', 1], ['live', 2]])
    expect(gaps()).toBe(1)
  })

  it('without a shared history: a new numbering already past the client cursor is not taken for the old one', async () => {
    const methods = { echo: (p: unknown) => p }
    const old = await start({ methods })
    const port = old.port!
    const c = client(url(old))
    const { seen, gaps } = await watchRoom(c)
    for (const text of ['a', 'b']) old.publish('room', text)
    await vi.waitFor(() => expect(seen).toHaveLength(2), patient)

    await old.close()
    // Busier than the client was: three messages, numbered 1 to 3, before it is back with its cursor at 2.
    // By numbers alone, the new server would take it for a client that has 1 and 2 and send only 3.
    const fresh = track(createServer({ port, host: '127.0.0.1', methods }))
    for (const text of ['n1', 'n2']) fresh.publish('room', text)
    await publishAcrossReturn(fresh, c, () => seen.length >= 6)
    expect(seen).toEqual([['a', 1], ['b', 2], ['n1', 1], ['n2', 2], ['after the restart', 3], ['live', 4]])
    expect(gaps()).toBe(1)
  })

  it('with a fileHistory: a new server on the same file continues the numbering, no gap', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lifeline-history-'))
    cleanup(() => rmSync(dir, { recursive: true, force: true }))
    const file = join(dir, 'topics.jsonl')
    const methods = { echo: (p: unknown) => p }
    const old = await start({ methods, history: fileHistory(file) })
    const port = old.port!
    const c = client(url(old))
    const { seen, gaps } = await watchRoom(c)
    old.publish('room', 'a')
    await vi.waitFor(() => expect(seen).toHaveLength(1), patient)
    c.reconnect()
    // Published while the client was away, just before the old server went.
    old.publish('room', 'missed')
    await old.close()
    // A new history object on the same file: what a new process would read.
    const history: HistoryStore = fileHistory(file)
    const fresh = track(createServer({ port, host: '127.0.0.1', methods, history }))
    await publishAcrossReturn(fresh, c, () => seen.length >= 4)
    expect(seen).toEqual([['a', 1], ['missed', 2], ['after the restart', 3], ['live', 4]])
    expect(gaps()).toBe(0)
  })
})
