// Topics over raw frames: fan-out, sequence numbers, replay after a cursor, gaps, authorization.
import { describe, expect, it, vi } from 'vitest'
import { createHistory, RpcError } from '../../../src/server'
import { deferred, open, start, url } from './helpers'
import { patient } from '../../helpers/wait'

const sub = (id: number, topic: string, after?: number, params?: unknown) =>
  ({ jsonrpc: '2.0', id, method: 'rpc.subscribe', params: { topic, ...(after !== undefined && { after }), ...(params !== undefined && { params }) } })
const publish = (topic: string, seq: number, data: unknown) => ({ jsonrpc: '2.0', method: 'rpc.publish', params: { topic, seq, data } })
/** A subscribe answer of the in-memory history, which says which numbering its seq counts in. */
const answer = (seq: number | null, gap: boolean) => ({ seq, gap, epoch: expect.any(String) })

describe('topics', () => {
  it('fans a publish out to the subscribers of that topic only, numbered per topic', async () => {
    const server = await start()
    const a = await open(url(server))
    const b = await open(url(server))
    expect((await a.call('rpc.subscribe', { topic: 'news' }, 1)).result).toEqual(answer(null, false))
    expect((await b.call('rpc.subscribe', { topic: 'sport' }, 1)).result).toEqual(answer(null, false))
    expect(server.publish('news', { n: 1 })).toBe(1)
    expect(server.publish('sport', 'goal')).toBe(1)
    expect(server.publish('news', { n: 2 })).toBe(2)
    expect(await a.next()).toEqual(publish('news', 1, { n: 1 }))
    expect(await a.next()).toEqual(publish('news', 2, { n: 2 }))
    expect(await b.next()).toEqual(publish('sport', 1, 'goal'))
    expect(b.pending).toEqual([])
  })

  it('replays what came after the cursor right after the answer, then continues live', async () => {
    const server = await start()
    for (let i = 1; i <= 5; i++) server.publish('t', i)
    const p = await open(url(server))
    p.send(sub(1, 't', 3))
    expect(await p.next()).toEqual({ jsonrpc: '2.0', id: 1, result: answer(5, false) })
    expect(await p.next()).toEqual(publish('t', 4, 4))
    expect(await p.next()).toEqual(publish('t', 5, 5))
    server.publish('t', 6)
    expect(await p.next()).toEqual(publish('t', 6, 6))
    // Up to date: nothing to replay, no gap.
    p.send(sub(2, 't', 6))
    expect(await p.next()).toEqual({ jsonrpc: '2.0', id: 2, result: answer(6, false) })
    expect((await p.call('rpc.ping', undefined, 3)).result).toBe('pong')
    expect(p.pending).toEqual([])
  })

  it('reports a gap, and replays what it still keeps, when the cursor is older than the kept history', async () => {
    const server = await start({ history: { limit: 2 } })
    for (let i = 1; i <= 5; i++) server.publish('t', i)
    const p = await open(url(server))
    p.send(sub(1, 't', 2))
    expect((await p.next()).result).toEqual(answer(5, true))
    expect([await p.next(), await p.next()].map((f) => f.params?.seq)).toEqual([4, 5])
    // Cursor 3: message 4 is still kept, nothing was lost.
    p.send(sub(2, 't', 3))
    expect((await p.next()).result).toEqual(answer(5, false))
    expect([await p.next(), await p.next()].map((f) => f.params?.seq)).toEqual([4, 5])
    expect(p.pending).toEqual([])
  })

  it('reports a gap when the cursor is beyond the latest message (the history was reset), and replays the new numbering', async () => {
    const server = await start()
    server.publish('t', 'a')
    const p = await open(url(server))
    p.send(sub(1, 't', 40))
    expect((await p.next()).result).toEqual(answer(1, true))
    expect(await p.next()).toEqual(publish('t', 1, 'a'))
    p.send(sub(2, 'fresh', 7))
    expect((await p.next()).result).toEqual(answer(null, true))
    server.publish('t', 'b')
    expect(await p.next()).toEqual(publish('t', 2, 'b'))
  })

  it('answers a cursor of another numbering (its epoch) with a gap and everything kept, even below the latest number', async () => {
    const server = await start()
    for (const text of ['n1', 'n2', 'n3']) server.publish('t', text)
    const p = await open(url(server))
    p.send(sub(1, 't'))
    const { epoch } = (await p.next()).result as { epoch: string }
    // Its own epoch: a cursor of this numbering, replayed after it.
    p.send({ ...sub(2, 't', 2), params: { topic: 't', after: 2, epoch } })
    expect((await p.next()).result).toEqual({ seq: 3, gap: false, epoch })
    expect(await p.next()).toEqual(publish('t', 3, 'n3'))
    // A cursor at 2 of a numbering before a restart: 1 and 2 here are other messages.
    p.send({ ...sub(3, 't', 2), params: { topic: 't', after: 2, epoch: 'before-the-restart' } })
    expect((await p.next()).result).toEqual({ seq: 3, gap: true, epoch })
    expect([await p.next(), await p.next(), await p.next()]).toEqual([publish('t', 1, 'n1'), publish('t', 2, 'n2'), publish('t', 3, 'n3')])
  })

  it('forgets messages older than maxAge', async () => {
    let now = 1000
    const history = createHistory({ maxAge: 100, now: () => now })
    const server = await start({ history })
    server.publish('t', 'old')
    now += 150
    server.publish('t', 'new')
    const p = await open(url(server))
    p.send(sub(1, 't', 0))
    expect((await p.next()).result).toEqual(answer(2, true))
    expect(await p.next()).toEqual(publish('t', 2, 'new'))
    p.send(sub(2, 't', 1))
    expect((await p.next()).result).toEqual(answer(2, false))
    expect(await p.next()).toEqual(publish('t', 2, 'new'))
    expect(history.since('t', 0)).toEqual({ messages: [{ seq: 2, data: 'new' }], gap: true })
    now += 150
    expect(history.since('t', 0)).toEqual({ messages: [], gap: true })
    expect(history.since('t', 2)).toEqual({ messages: [], gap: false })
  })

  it('keeps numbering with history: false but replays nothing', async () => {
    const server = await start({ history: false })
    server.publish('t', 1)
    server.publish('t', 2)
    const p = await open(url(server))
    p.send(sub(1, 't', 1))
    expect((await p.next()).result).toEqual(answer(2, true))
    p.send(sub(2, 't', 2))
    expect((await p.next()).result).toEqual(answer(2, false))
  })

  it('stops delivering after rpc.unsubscribe and when the client leaves', async () => {
    const server = await start()
    const p = await open(url(server))
    await p.call('rpc.subscribe', { topic: 'a' }, 1)
    await p.call('rpc.subscribe', { topic: 'b' }, 2)
    expect([...server.clients.values()][0]?.topics).toEqual(new Set(['a', 'b']))
    p.send({ jsonrpc: '2.0', method: 'rpc.unsubscribe', params: { topic: 'a' } })
    await p.call('rpc.ping', undefined, 3)
    server.publish('a', 'no')
    server.publish('b', 'yes')
    expect(await p.next()).toEqual(publish('b', 1, 'yes'))
    p.socket.close()
    await vi.waitFor(() => expect(server.clients.size).toBe(0), patient)
    expect(() => server.publish('b', 'nobody')).not.toThrow()
  })

  it('asks authorizeSubscribe, with the subscription params, and answers a refusal with 403', async () => {
    const asked: unknown[] = []
    const server = await start<string>({
      authenticate: () => 'ann',
      authorizeSubscribe: async (topic, ctx, params) => {
        asked.push([topic, ctx.auth, params])
        if (topic === 'vip') throw new RpcError(4020, 'Pay first')
        return topic.startsWith('public/')
      },
    })
    const p = await open(url(server))
    expect((await p.call('rpc.subscribe', { topic: 'public/x', params: { k: 1 } }, 1)).result).toEqual(answer(null, false))
    expect((await p.call('rpc.subscribe', { topic: 'private' }, 2)).error).toEqual({ code: 403, message: 'Forbidden' })
    expect((await p.call('rpc.subscribe', { topic: 'vip' }, 3)).error).toEqual({ code: 4020, message: 'Pay first' })
    expect(asked).toEqual([['public/x', 'ann', { k: 1 }], ['private', 'ann', undefined], ['vip', 'ann', undefined]])
    server.publish('private', 'secret')
    server.publish('public/x', 'hello')
    expect((await p.next()).params?.data).toBe('hello')
  })

  it('does not subscribe when the client unsubscribed while authorization was pending', async () => {
    const authorization = deferred<boolean>()
    const allow = authorization.resolve
    const server = await start({ authorizeSubscribe: () => authorization.promise })
    const p = await open(url(server))
    p.send(sub(1, 't'))
    await vi.waitFor(() => expect(server.stats.calls).toBe(1), patient)
    p.send({ jsonrpc: '2.0', method: 'rpc.unsubscribe', params: { topic: 't' } })
    await p.call('rpc.ping', undefined, 2)
    allow(true)
    expect(await p.next()).toEqual({ jsonrpc: '2.0', id: 1, result: null })
    server.publish('t', 'x')
    await p.call('rpc.ping', undefined, 3)
    expect(p.pending).toEqual([])
  })

  it('rejects bad subscribe params with -32602 and too many topics with -32001', async () => {
    const server = await start({ maxSubscriptions: 2 })
    const p = await open(url(server))
    const bad = [undefined, { topic: '' }, { topic: 1 }, { topic: 't', after: -1 }, { topic: 't', after: 1.5 }, ['t'], { topic: 't', epoch: 7 }, { topic: 't', epoch: 'e'.repeat(65) }]
    for (const params of bad) {
      expect((await p.call('rpc.subscribe', params, 1)).error?.code).toBe(-32602)
    }
    await p.call('rpc.subscribe', { topic: 'a' }, 2)
    await p.call('rpc.subscribe', { topic: 'b' }, 3)
    // Subscribing again to a topic it has is not a new one.
    expect((await p.call('rpc.subscribe', { topic: 'a' }, 4)).result).toEqual(answer(null, false))
    expect((await p.call('rpc.subscribe', { topic: 'c' }, 5)).error).toEqual({ code: -32001, message: 'Too many subscriptions' })
  })

  it('answers a batched resubscribe in one frame, then sends every replay', async () => {
    const server = await start()
    server.publish('a', 1)
    server.publish('a', 2)
    server.publish('b', 1)
    const p = await open(url(server))
    p.send([sub(1, 'a', 1), sub(2, 'b', 0), sub(3, 'c')])
    expect(await p.next()).toEqual([
      { jsonrpc: '2.0', id: 1, result: answer(2, false) },
      { jsonrpc: '2.0', id: 2, result: answer(1, false) },
      { jsonrpc: '2.0', id: 3, result: answer(null, false) },
    ])
    expect(await p.next()).toEqual(publish('a', 2, 2))
    expect(await p.next()).toEqual(publish('b', 1, 1))
  })

  it('throws on a publish it cannot encode or a bad topic, without using up a sequence number', async () => {
    const server = await start()
    expect(() => server.publish('t', 1n)).toThrow()
    expect(() => server.publish('', 1)).toThrow(TypeError)
    expect(server.publish('t', undefined)).toBe(1)
    const p = await open(url(server))
    p.send(sub(1, 't', 0))
    await p.next()
    expect(await p.next()).toEqual(publish('t', 1, null))
  })
})
