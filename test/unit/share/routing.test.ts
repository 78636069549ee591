/**
 * `share`, the rest of the API through a follower: events, server requests, topics, reconnect,
 * values that cannot cross the channel, and a follower that leaves while it holds things.
 */
import { describe, expect, it, vi } from 'vitest'
import { isProtocolError, isRpcError } from '../../../src/index'
import { createClient } from '../../../src/share'
import { createFakeBrowser } from '../../helpers/fake-tabs'
import { FakeSocket } from '../../helpers/fake-socket'
import { KEY, URL, clients, frames, idOf, kinds, serve, servedPair, settle, tab } from './harness'

describe('share: events and server requests through a follower', () => {
  it('listens with handlers and streams, counted per tab, and stops when the last listener goes', async () => {
    const { browser, b, socket } = await servedPair()
    const heard: unknown[] = []
    const off1 = b.client.listen('tick', (p) => heard.push(p))
    const off2 = b.client.listen('tick', (p) => heard.push(p))
    const stream = b.client.listen('tick')
    await settle()
    expect(kinds(browser.posted, 'listen')).toHaveLength(1)
    socket.receive('{"jsonrpc":"2.0","method":"tick","params":{"n":1}}')
    await settle()
    expect(heard).toEqual([{ n: 1 }, { n: 1 }])
    await expect(stream.next()).resolves.toEqual({ value: { n: 1 }, done: false })
    off1()
    off1()
    off2()
    await stream.return?.()
    await settle()
    expect(kinds(browser.posted, 'unlisten')).toHaveLength(1)
    socket.receive('{"jsonrpc":"2.0","method":"tick","params":{"n":2}}')
    await settle()
    expect(heard).toHaveLength(2)
    const open = b.client.listen('other')
    b.client.close()
    await expect(open.next()).resolves.toEqual({ value: undefined, done: true })
  })

  it("answers the server's requests from a follower's handler, errors included, until it stops handling", async () => {
    const { browser, b, socket } = await servedPair()
    const stop = b.client.handle('ask', (params) => {
      if ((params as { fail?: boolean }).fail) throw Object.assign(new Error('no'), { name: 'RpcError', code: 4001, data: 'why' })
      return 'yes'
    })
    await settle()
    socket.receive('{"jsonrpc":"2.0","id":"s1","method":"ask","params":{}}')
    socket.receive('{"jsonrpc":"2.0","id":"s2","method":"ask","params":{"fail":true}}')
    await settle()
    const answers = frames(socket).filter((frame) => frame.id === 's1' || frame.id === 's2')
    expect(answers).toEqual([
      { jsonrpc: '2.0', id: 's1', result: 'yes' },
      { jsonrpc: '2.0', id: 's2', error: { code: 4001, message: 'no', data: 'why' } },
    ])
    stop()
    stop()
    await settle()
    expect(kinds(browser.posted, 'unhandle')).toHaveLength(1)
    socket.receive('{"jsonrpc":"2.0","id":"s3","method":"ask","params":{}}')
    await settle()
    expect(frames(socket).find((frame) => frame.id === 's3')).toMatchObject({ error: { code: -32601 } })
  })

  it('keeps a handler that was set again when a stale stop function runs a second time', async () => {
    const { b, socket } = await servedPair()
    const stopFirst = b.client.handle('ask', () => 'first')
    stopFirst()
    b.client.handle('ask', () => 'second')
    stopFirst()
    await settle()
    socket.receive('{"jsonrpc":"2.0","id":"s1","method":"ask","params":{}}')
    await settle()
    // The leader still sends 'ask' to this tab, where the second handler answers it.
    expect(frames(socket).find((frame) => frame.id === 's1')).toEqual({ jsonrpc: '2.0', id: 's1', result: 'second' })
  })

  it("fails the server's request when the leader leaves while a follower answers it", async () => {
    const { a, b, socket } = await servedPair()
    b.client.handle('slow', () => new Promise(() => {}))
    await settle()
    socket.receive('{"jsonrpc":"2.0","id":"s1","method":"slow","params":{}}')
    await settle()
    a.client.close()
    expect(frames(socket).find((frame) => frame.id === 's1')).toBeUndefined()
    await settle()
    expect(b.client.role).toBe('leader')
  })
})

describe('share: topics through a follower', () => {
  it('tells a refusal to the tab, reports it, and subscribes again on the next subscribe', async () => {
    const { b, socket } = await servedPair()
    const sub = b.client.subscribe('secret')
    const ready = sub.ready.catch((err: unknown) => err)
    await settle()
    const request = frames(socket).find((frame) => frame.method === 'rpc.subscribe')!
    socket.receive(JSON.stringify({ jsonrpc: '2.0', id: request.id, error: { code: 403, message: 'forbidden' } }))
    await settle()
    const refused = await ready
    expect(isRpcError(refused) && refused.code).toBe(403)
    expect(b.errors.some((err) => isRpcError(err))).toBe(true)
    b.client.subscribe('secret')
    await settle()
    expect(frames(socket).filter((frame) => frame.method === 'rpc.subscribe')).toHaveLength(2)
  })

  it('counts a topic across tabs once, in the real client, and fans each message out in one channel message', async () => {
    const browser = createFakeBrowser()
    const tabs = [tab(browser), tab(browser), tab(browser)]
    await settle()
    const socket = await serve()
    const got = tabs.map(() => [] as unknown[])
    const subs = tabs.map((t, n) => [t.client.subscribe('feed', (data) => got[n]!.push(data)), t.client.subscribe('feed')])
    await settle()
    const request = frames(socket).find((frame) => frame.method === 'rpc.subscribe')!
    socket.receive(JSON.stringify({ jsonrpc: '2.0', id: request.id, result: { seq: 0 } }))
    await settle()
    await Promise.all(subs.flat().map((sub) => sub.ready))
    for (const seq of [1, 2, 3]) socket.receive(JSON.stringify({ jsonrpc: '2.0', method: 'rpc.publish', params: { topic: 'feed', seq, data: seq } }))
    await settle()
    expect(got).toEqual([[1, 2, 3], [1, 2, 3], [1, 2, 3]])
    expect(kinds(browser.posted, 'publish')).toHaveLength(3)
    // Every tab but the last lets go: the topic stays on the server until the last one does.
    for (const sub of subs.slice(0, 2).flat()) sub.unsubscribe()
    subs[2]![0]!.unsubscribe()
    await settle()
    expect(frames(socket).filter((frame) => frame.method === 'rpc.unsubscribe')).toEqual([])
    subs[2]![1]!.unsubscribe()
    await settle()
    expect(frames(socket).filter((frame) => frame.method === 'rpc.subscribe')).toHaveLength(1)
    expect(frames(socket).filter((frame) => frame.method === 'rpc.unsubscribe')).toHaveLength(1)
    expect(tabs.flatMap((t) => t.errors)).toEqual([])
  })

  it("brings a gap to every subscribing tab's onGap", async () => {
    const { a, b, socket } = await servedPair()
    const gaps: string[] = []
    a.client.subscribe('feed', undefined, { onGap: () => gaps.push('a') })
    b.client.subscribe('feed', undefined, { onGap: () => gaps.push('b') })
    await settle()
    const request = frames(socket).find((frame) => frame.method === 'rpc.subscribe')!
    socket.receive(JSON.stringify({ jsonrpc: '2.0', id: request.id, result: { seq: 9, gap: true } }))
    await settle()
    expect(gaps.sort()).toEqual(['a', 'b'])
  })

  it("gives a follower tab a restarted numbering's messages, which the tab's own cursor would take for seen", async () => {
    const browser = createFakeBrowser()
    const quick = { reconnect: { backoff: () => 1 } }
    tab(browser, quick)
    const b = tab(browser, quick)
    await settle()
    const first = await serve()
    const seen: unknown[] = []
    b.client.subscribe('feed', (data) => seen.push(data))
    await settle()
    const subscribe = (socket: FakeSocket) => frames(socket).flat().find((frame) => frame.method === 'rpc.subscribe')!
    const publish = (socket: FakeSocket, seq: number, data: string) =>
      socket.receive(JSON.stringify({ jsonrpc: '2.0', method: 'rpc.publish', params: { topic: 'feed', seq, data } }))
    first.receive(JSON.stringify({ jsonrpc: '2.0', id: subscribe(first).id, result: { seq: null, gap: false, epoch: 'old' } }))
    publish(first, 1, 'old 1')
    publish(first, 2, 'old 2')
    await settle()
    // A restart without a shared history: the new server is at 3 of a new numbering before the leader is back.
    first.serverClose(1012, 'restart')
    await vi.waitFor(() => expect(FakeSocket.last).not.toBe(first))
    const second = await serve()
    second.receive(JSON.stringify({ jsonrpc: '2.0', id: subscribe(second).id, result: { seq: 3, gap: true, epoch: 'new' } }))
    for (const seq of [1, 2, 3]) publish(second, seq, `new ${seq}`)
    await settle()
    expect(seen).toEqual(['old 1', 'old 2', 'new 1', 'new 2', 'new 3'])
  })
})

describe('share: the rest of the socket through a follower', () => {
  it('mirrors the subprotocol and drops, reconnects on request, and connects once', async () => {
    const browser = createFakeBrowser()
    tab(browser, { queue: { maxMessages: 1 } })
    const b = tab(browser, { queue: { maxMessages: 1 } })
    await settle()
    const drops: unknown[] = []
    b.client.on('drop', (event) => drops.push(event))
    b.client.notify('one')
    b.client.notify('two')
    await settle()
    // The frame as the leader wrote it, keyed with the tab's id and its number (docs/sharing.md).
    expect(drops).toEqual([{ items: [expect.stringMatching(/^\{"jsonrpc":"2\.0","method":"one","once":\["[^"]+",1\]\}$/)], reason: 'overflow' }])
    const first = FakeSocket.last
    first.accept('chat')
    await settle()
    expect(b.client.subprotocol).toBe('chat')
    b.client.connect()
    b.client.reconnect()
    await settle()
    expect(FakeSocket.instances).toHaveLength(2)
    expect(first.closeCalls).toHaveLength(1)
  })

  it("refuses values that cannot cross the channel in the sending tab, and reports the leader's refusals there", async () => {
    const { b } = await servedPair()
    expect(() => b.client.send((() => {}) as never)).toThrow(/cannot be sent to the leader tab/)
    await expect(b.client.call('f', { fn: () => {} } as never)).rejects.toSatisfy(isProtocolError)
    expect(b.client.queued).toBe(0)
    b.client.notify('big', { n: 1n } as never)
    await settle()
    expect(b.errors.some((err) => isProtocolError(err))).toBe(true)
  })

  it('never sends a call that could not cross the channel, not even to the next leader', async () => {
    const { a, b } = await servedPair()
    await expect(b.client.call('f', { fn: () => {} } as never)).rejects.toSatisfy(isProtocolError)
    a.client.close()
    await settle()
    expect(b.client.role).toBe('leader')
    const next = await serve(FakeSocket.last)
    expect(frames(next).filter((frame) => frame.method === 'f')).toEqual([])
    expect(b.errors).toEqual([])
  })

  it('reports a throwing lifecycle listener as an error event', async () => {
    const browser = createFakeBrowser()
    tab(browser)
    const b = tab(browser)
    b.client.on('state', () => {
      throw new Error('listener bug')
    })
    await settle()
    await serve()
    expect(b.errors).toContainEqual(new Error('listener bug'))
  })

  it('takes each frame of a tab once, by its number, and keys calls and notifications with the tab and the number', async () => {
    const browser = createFakeBrowser()
    tab(browser)
    await settle()
    const socket = await serve()
    const leader = idOf(browser, 'leader')
    void browser.tab().locks.request(`${KEY}:tab:other`, { mode: 'exclusive' }, () => new Promise(() => {}))
    await settle()
    const from = { v: 1, from: 'other', to: leader }
    browser.inject(KEY, { ...from, kind: 'hello' })
    browser.inject(KEY, { ...from, kind: 'notify', seq: 1, method: 'once' })
    browser.inject(KEY, { ...from, kind: 'notify', seq: 1, method: 'once' })
    browser.inject(KEY, { ...from, kind: 'call', seq: 2, method: 'again' })
    browser.inject(KEY, { ...from, kind: 'call', seq: 2, method: 'again' })
    await settle()
    expect(frames(socket).filter((frame) => frame.method === 'once')).toEqual([expect.objectContaining({ once: ['other', 1] })])
    expect(kinds(browser.posted, 'accepted').filter((m) => (m as { to: string }).to === 'other')).toHaveLength(4)
    // Sent twice to the same leader, a call runs once here too: this hub already has it in flight.
    // (One an earlier leader took is written again under its key: share.test.ts, integration.)
    const calls = frames(socket).filter((frame) => frame.method === 'again')
    expect(calls.map((frame) => frame.once)).toEqual([['other', 2]])
    socket.receive(JSON.stringify({ jsonrpc: '2.0', id: calls[0]!.id, result: 'first answer' }))
    await settle()
    expect(kinds(browser.posted, 'result')).toEqual([expect.objectContaining({ to: 'other', seq: 2, ok: true, value: 'first answer' })])
  })

  it('lets go of what a follower held when it crashes: topics, events, handlers', async () => {
    const browser = createFakeBrowser()
    tab(browser)
    const b = tab(browser)
    const c = tab(browser)
    await settle()
    const socket = await serve()
    b.client.subscribe('feed')
    b.client.listen('tick', () => {})
    b.client.handle('ask', () => new Promise(() => {}))
    c.client.handle('other', () => new Promise(() => {}))
    await settle()
    socket.receive('{"jsonrpc":"2.0","id":"s1","method":"ask","params":{}}')
    socket.receive('{"jsonrpc":"2.0","id":"s2","method":"other","params":{}}')
    await settle()
    browser.crash(b.fake)
    await settle()
    expect(frames(socket).filter((frame) => frame.method === 'rpc.unsubscribe')).toHaveLength(1)
    expect(frames(socket).find((frame) => frame.id === 's1')).toMatchObject({ error: { code: -32603 } })
    expect(frames(socket).find((frame) => frame.id === 's2')).toBeUndefined()
  })

  it('rejects ready() of a tab closed before any leader answered, and shares by name or by provider', async () => {
    const browser = createFakeBrowser()
    const early = tab(browser)
    const ready = early.client.ready()
    early.client.close()
    await expect(ready).rejects.toMatchObject({ name: 'ClientClosedError' })
    const fake = browser.tab()
    const named = createClient(() => URL, { WebSocket: FakeSocket.ctor, share: 'chat', environment: { locks: fake.locks, BroadcastChannel: fake.BroadcastChannel } })
    clients.push(named)
    await settle()
    expect(named.role).toBe('leader')
    expect(browser.queue('lifeline-ws:provider:chat')).toHaveLength(1)
  })

  it('starts over from corrupt stored positions', async () => {
    const browser = createFakeBrowser()
    browser.storage.set(`${KEY}:positions`, '{"a": "x", "b": 3')
    const a = tab(browser)
    await settle()
    await serve()
    a.client.notify('fine')
    await settle()
    expect(frames(FakeSocket.last).at(-1)).toMatchObject({ method: 'fine' })
    expect(JSON.parse(browser.storage.get(`${KEY}:positions`)!)).toEqual({ [idOf(browser, 'leader')]: 1 })
  })
})
