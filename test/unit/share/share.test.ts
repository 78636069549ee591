/**
 * `share` with fakes only: tabs of one FakeBrowser (locks and channels) and hand-driven FakeSockets.
 * The server side is played by hand: the handshake is answered "method not found" (a plain server).
 */
import { describe, expect, it } from 'vitest'
import { createClient as createPlainClient, isProtocolError, isTimeoutError } from '../../../src/index'
import { createClient } from '../../../src/share'
import { createFakeBrowser } from '../../helpers/fake-tabs'
import { FakeSocket } from '../../helpers/fake-socket'
import { KEY, URL, clients, frames, idOf, kinds, serve, servedPair, settle, tab } from './harness'

describe('share: fallback', () => {
  it("is refused by lifeline-ws's createClient, in every build, with the entry that has it", () => {
    // Ignoring it would quietly open one socket per tab.
    expect(() => createPlainClient(URL, { share: true, lazy: true })).toThrow(TypeError)
    expect(() => createPlainClient(URL, { share: 'chat', lazy: true })).toThrow("share needs createClient from 'lifeline-ws/share'")
    expect(createClient(URL, { share: false, lazy: true }).role).toBe('alone')
  })

  it('is alone without navigator.locks (Node), and works as a client of its own', async () => {
    const client = createClient(URL, { WebSocket: FakeSocket.ctor, heartbeat: false, share: true })
    clients.push(client)
    expect(client.role).toBe('alone')
    await settle()
    await serve()
    expect(client.state).toBe('open')
    client.notify('hello', {})
    expect(frames(FakeSocket.last).at(-1)).toMatchObject({ method: 'hello' })
  })

  it('is alone without BroadcastChannel, with share off, and in raw mode', async () => {
    const fake = createFakeBrowser().tab()
    const noChannel = createClient(URL, { WebSocket: FakeSocket.ctor, share: 'x', environment: { locks: fake.locks, BroadcastChannel: undefined } })
    const off = createClient(URL, { WebSocket: FakeSocket.ctor, environment: { locks: fake.locks, BroadcastChannel: fake.BroadcastChannel } })
    const raw = createClient(URL, { WebSocket: FakeSocket.ctor, protocol: false, share: true, environment: { locks: fake.locks, BroadcastChannel: fake.BroadcastChannel } })
    clients.push(noChannel, off, raw)
    expect([noChannel.role, off.role, raw.role]).toEqual(['alone', 'alone', 'alone'])
    await settle()
    expect(FakeSocket.instances).toHaveLength(3)
  })

  it('checks the option in development builds', () => {
    expect(() => createClient(URL, { share: '' })).toThrow(RangeError)
    expect(() => createClient(URL, { share: 5 as never })).toThrow(/share must be a boolean or a string/)
    expect(() => createClient(URL, { share: true, environment: { locks: 'no' as never } })).toThrow(/environment.locks must be a object/)
    expect(() => createClient(URL, { share: true, environment: { BroadcastChanel: 1 } as never })).toThrow(/did you mean environment.BroadcastChannel/)
  })
})

describe('share: election and routing', () => {
  it('makes the first tab leader and the next ones followers, with one socket between them', async () => {
    const browser = createFakeBrowser()
    const a = tab(browser)
    expect(a.client.role).toBe('follower')
    await settle()
    const b = tab(browser)
    await settle()
    expect([a.client.role, b.client.role]).toEqual(['leader', 'follower'])
    expect(a.roles).toEqual(['follower->leader'])
    expect(b.roles).toEqual([])
    expect(FakeSocket.instances).toHaveLength(1)
    expect(b.client.state).toBe('connecting')
    await serve()
    expect([a.client.state, b.client.state]).toEqual(['open', 'open'])
    expect(browser.queue(KEY)).toEqual([a.fake.id, b.fake.id])
  })

  it("sends a follower's call through the leader and its answer to that follower only", async () => {
    const { browser, a, b, socket } = await servedPair()
    const answer = b.client.call('sum', [1, 2])
    await settle()
    const request = frames(socket).find((frame) => frame.method === 'sum')!
    expect(request.params).toEqual([1, 2])
    // Keyed with the asking tab's id and its number, so the server runs it once across leaders.
    expect(request.once).toEqual([idOf(browser, 'hello'), 1])
    socket.receive(JSON.stringify({ jsonrpc: '2.0', id: request.id, result: 3 }))
    await expect(answer).resolves.toBe(3)
    const answers = kinds(browser.posted, 'result')
    expect(answers).toEqual([expect.objectContaining({ to: idOf(browser, 'hello'), seq: expect.any(Number), ok: true, value: 3 })])
    expect(b.client.notify('note', { x: 1 })).toBe('queued')
    expect(b.client.send('raw')).toBe('queued')
    expect(b.client.queued).toBe(2)
    await settle()
    expect(b.client.queued).toBe(0)
    // A raw frame is the app's own: nothing can be added to it.
    expect(socket.sent.slice(-2)).toEqual([`{"jsonrpc":"2.0","method":"note","params":{"x":1},"once":["${idOf(browser, 'hello')}",2]}`, 'raw'])
    expect([a.errors, b.errors]).toEqual([[], []])
  })

  it('times out and aborts a follower call, and tells the leader to forget it', async () => {
    const { browser, b } = await servedPair()
    const slow = b.client.call('slow', undefined, { timeout: 20 })
    await expect(slow).rejects.toSatisfy(isTimeoutError)
    const controller = new AbortController()
    const aborted = b.client.call('slow', undefined, { signal: controller.signal })
    controller.abort(new Error('stop'))
    await expect(aborted).rejects.toThrow('stop')
    await settle()
    expect(kinds(browser.posted, 'cancel')).toHaveLength(2)
    const stillAborted = b.client.call('slow', undefined, { signal: controller.signal })
    await expect(stillAborted).rejects.toThrow('stop')
  })

  it("refuses a follower call's NaN or negative timeout with a RangeError, as a client of its own does", async () => {
    const { browser, b } = await servedPair()
    // A NaN timeout is never scheduled: the call would never settle.
    await expect(b.client.call('add', undefined, { timeout: NaN })).rejects.toThrow(new RangeError("lifeline: the timeout of call 'add' must be a number from 0 to Infinity"))
    await expect(b.client.call('add', undefined, { timeout: -1 })).rejects.toThrow(RangeError)
    await settle()
    expect(kinds(browser.posted, 'call')).toEqual([])
  })

  it("says in a follower's TimeoutError that its call never reached a leader, and the state it waited in", async () => {
    const browser = createFakeBrowser()
    tab(browser)
    await settle()
    // The answer to the new tab's 'who' is lost: it has no leader to hand its call to.
    browser.lose((message) => (message as { kind?: string }).kind === 'leader')
    const b = tab(browser)
    await settle()
    const error: unknown = await b.client.call('add', undefined, { timeout: 20 }).catch((err: unknown) => err)
    expect(isTimeoutError(error) && [error.message, error.sent]).toEqual([
      "lifeline: call 'add' timed out after 20 ms and was never sent: it waited in the outbox while the client was connecting",
      false,
    ])
  })

  it("says a follower's call was sent once a leader was handed it, even before the leader said it took it", async () => {
    const { browser, b, socket } = await servedPair()
    // The leader writes the call to the socket; its 'accepted' never reaches the tab.
    browser.lose((message) => (message as { kind?: string }).kind === 'accepted')
    const error: unknown = await b.client.call('slow', undefined, { timeout: 20 }).catch((err: unknown) => err)
    expect(frames(socket).some((frame) => frame.method === 'slow')).toBe(true)
    // Not "never sent": the server may have run it.
    expect(isTimeoutError(error) && [error.message, error.sent]).toEqual(["lifeline: call 'slow' timed out after 20 ms: it was sent and no answer came", true])
  })

  it('mirrors raw frames to a follower that listens for them, and sends volatile frames only while open', async () => {
    const browser = createFakeBrowser()
    tab(browser)
    const b = tab(browser)
    await settle()
    expect(b.client.send('v', { queue: false })).toBe('dropped')
    const socket = await serve()
    const seen: unknown[] = []
    const off = b.client.on('message', (data) => seen.push(data))
    await settle()
    socket.receive('{"jsonrpc":"2.0","method":"tick","params":{}}')
    await settle()
    expect(seen).toEqual(['{"jsonrpc":"2.0","method":"tick","params":{}}'])
    off()
    off()
    expect(b.client.send('v', { queue: false })).toBe('sent')
    await settle()
    expect(socket.sent.at(-1)).toBe('v')
    socket.receive('{"jsonrpc":"2.0","method":"tick","params":{}}')
    await settle()
    expect(seen).toHaveLength(1)
  })

  it('stays idle while lazy until a tab connects', async () => {
    const browser = createFakeBrowser()
    const a = tab(browser, { lazy: true })
    const b = tab(browser, { lazy: true })
    await settle()
    expect([a.client.state, b.client.state]).toEqual(['idle', 'idle'])
    expect(FakeSocket.instances).toHaveLength(0)
    b.client.connect()
    expect(b.client.state).toBe('connecting')
    await settle()
    expect(FakeSocket.instances).toHaveLength(1)
    await serve()
    expect([a.client.state, b.client.state]).toEqual(['open', 'open'])
  })

  it('closes every tab when the shared socket closes for good', async () => {
    const { a, b, socket } = await servedPair()
    const pending = b.client.call('x').catch((err: unknown) => err)
    const ready = b.client.ready()
    await expect(ready).resolves.toBeUndefined()
    socket.serverClose(4403, 'forbidden')
    await settle()
    expect([a.client.state, b.client.state]).toEqual(['closed', 'closed'])
    expect(await pending).toMatchObject({ name: 'ClientClosedError' })
    await expect(b.client.ready()).rejects.toMatchObject({ name: 'ClientClosedError' })
    expect(() => b.client.notify('x')).toThrow(/client closed/)
    expect(() => b.client.send('x')).toThrow(/client closed/)
    expect(() => b.client.listen('x', () => {})).toThrow(/client closed/)
  })
})

describe('share: hostile tab messages', () => {
  it('ignores malformed messages with one error event per problem, and the leader keeps serving', async () => {
    const { browser, a, b, socket } = await servedPair()
    const garbage = [null, 'x', { v: 9 }, { v: 1, from: 'evil', kind: 'boom' }, { v: 1, from: 'evil', kind: 'call', seq: 'x' }, { v: 1, from: 'evil', kind: 'boom' }]
    for (const message of garbage) browser.inject(KEY, message)
    await settle()
    for (const t of [a, b]) {
      expect(t.errors.every(isProtocolError)).toBe(true)
      expect(t.errors.map((err) => (err as Error).message)).toEqual([
        'lifeline: ignored a malformed message from another tab: not an object',
        'lifeline: ignored a malformed message from another tab: unknown version 9',
        'lifeline: ignored a malformed message from another tab: unknown kind boom',
        "lifeline: ignored a malformed message from another tab: bad seq in a 'call' message",
      ])
    }
    const leader = idOf(browser, 'leader')
    // Well-formed but made up: a stranger that never said hello, answers nobody asked for, a tab named __proto__.
    browser.inject(KEY, { v: 1, from: 'evil', to: leader, kind: 'call', seq: 1, method: 'steal' })
    browser.inject(KEY, { v: 1, from: 'evil', to: leader, kind: 'answer', id: 7, ok: true })
    browser.inject(KEY, { v: 1, from: 'evil', to: idOf(browser, 'hello'), kind: 'result', seq: 99, ok: true })
    browser.inject(KEY, { v: 1, from: 'evil', kind: 'state', state: 'closed', subprotocol: '' })
    // A tab is alive while it holds its own lock; a leader forgets a tab once it can take that lock.
    void browser.tab().locks.request(`${KEY}:tab:__proto__`, { mode: 'exclusive' }, () => new Promise(() => {}))
    await settle()
    browser.inject(KEY, { v: 1, from: '__proto__', to: leader, kind: 'hello' })
    browser.inject(KEY, { v: 1, from: '__proto__', to: leader, kind: 'notify', seq: 1, method: 'proto' })
    await settle()
    expect(frames(socket).map((frame) => frame.method)).not.toContain('steal')
    expect(frames(socket).at(-1)).toMatchObject({ method: 'proto' })
    expect(({} as Record<string, unknown>).constructor).toBe(Object)
    expect(b.client.state).toBe('open')
    const ok = b.client.call('ok').catch((err: unknown) => err)
    await settle()
    expect(frames(socket).at(-1)).toMatchObject({ method: 'ok' })
    b.client.close()
    expect(await ok).toMatchObject({ name: 'ClientClosedError' })
  })
})
