/**
 * A server that refuses a socket (4401/4403, as `authenticate` does) accepts
 * the upgrade first, so the client sees `open` and flushes its outbox into a
 * socket whose frames the server will never read. Those frames must not be
 * lost: they go back to the outbox, and out again on the next accepted socket.
 */
import { describe, expect, it, vi } from 'vitest'
import { start, url } from './server/helpers'
import { client } from './server/client-helper'
import { memoryStorage } from '../unit/socket/fakes'
import type { ClientCloseEvent } from '../../src/index'
import { patient } from '../helpers/wait'
import { flush } from '../helpers/flush'

const tokenIn = (req: { url?: string | undefined }) => new URL(req.url ?? '/', 'http://x').searchParams.get('token')

describe('outbox and a refused socket', () => {
  it('sends the frames queued before a 4401 on the next accepted socket, once each, in order', async () => {
    const seen: number[] = []
    const server = await start({
      authenticate: (req) => tokenIn(req) === 'fresh' && { user: 'ada' },
      methods: { log: (p: unknown) => void seen.push((p as { n: number }).n) },
    })
    const tokens = ['expired', 'fresh']
    const closes: ClientCloseEvent[] = []
    const c = client(() => `${url(server)}?token=${tokens.shift() ?? 'fresh'}`, {
      lazy: true,
      reconnect: { backoff: () => 50, shouldReconnect: (close, attempt) => close.code === 4401 && attempt < 3 },
    })
    c.on('close', (info) => closes.push(info))
    for (let n = 0; n < 5; n++) c.notify('log', { n })
    c.connect()
    await vi.waitFor(() => expect(seen.length).toBe(5), patient)
    c.notify('log', { n: 5 })
    await vi.waitFor(() => expect(seen.length).toBe(6), patient)
    expect(seen).toEqual([0, 1, 2, 3, 4, 5])
    expect(closes.map((i) => i.code)).toEqual([4401])
    expect(c.queued).toBe(0)
  })

  it('reports the frames as dropped (closed) when the refusal is final, and keeps their stored copies', async () => {
    const server = await start({ authenticate: () => false, methods: { log: () => {} } })
    const { storage, frames } = memoryStorage()
    const c = client(url(server), { lazy: true, queue: { storage } })
    const dropped: unknown[] = []
    c.on('drop', ({ items, reason }) => reason === 'closed' && dropped.push(...items))
    for (let n = 0; n < 3; n++) c.notify('log', { n })
    await vi.waitFor(() => expect(frames.length).toBe(3), patient)
    c.connect()
    await vi.waitFor(() => expect(c.state).toBe('closed'), patient)
    expect(dropped.map((f) => JSON.parse(f as string).params.n)).toEqual([0, 1, 2])
    // Still stored once every pending storage call has run: the next page, signed in again, sends them.
    await flush()
    expect(frames.map((f) => JSON.parse(f.frame as string).params.n)).toEqual([0, 1, 2])
  })
})
