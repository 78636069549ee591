import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  ClientClosedError, ConnectionClosedError, ProtocolError, RpcError, TimeoutError, createClient,
  type WebSocketConstructor,
} from '../../../src/index'
import { setup, type Harness } from './harness'
import type { Contract } from '../../../src/client/contract'

let h: Harness<Contract>
afterEach(() => {
  h?.client.close()
  h?.server.stop()
  vi.useRealTimers()
})

const reply = (id: unknown, result: unknown) => h.peer().send(JSON.stringify({ jsonrpc: '2.0', id, result }))
const lastRequest = (method: string) => h.json().filter((m) => m.method === method).at(-1)!

describe('lifecycle', () => {
  it('connects, reports each state with the previous one, and resolves ready()', async () => {
    h = setup()
    const states: string[] = []
    h.client.on('state', (s, prev) => states.push(`${prev}->${s}`))
    const opened = vi.fn()
    h.client.on('open', opened)
    const ready = h.client.ready()
    expect(h.client.state).toBe('connecting')
    await h.tick()
    await expect(ready).resolves.toBeUndefined()
    expect(h.client.state).toBe('open')
    expect(opened).toHaveBeenCalledTimes(1)
    h.client.close()
    expect(h.client.state).toBe('closed')
    expect(states).toEqual(['connecting->open', 'open->closed'])
    await expect(h.client.ready()).rejects.toBeInstanceOf(ClientClosedError)
  })

  it('stays idle until connect() when lazy', async () => {
    h = setup({ lazy: true })
    await h.tick()
    expect(h.client.state).toBe('idle')
    h.client.connect()
    h.client.connect()
    await h.tick()
    expect(h.client.state).toBe('open')
  })

  it('throws a TypeError for a bad URL scheme and a RangeError naming a bad option', () => {
    expect(() => createClient('ftp://x', { WebSocket: class {} as unknown as WebSocketConstructor })).toThrow(TypeError)
    expect(() => createClient('ws://x', { WebSocket: class {} as unknown as WebSocketConstructor, callTimeout: -1 })).toThrow(/callTimeout/)
    expect(() => createClient('ws://x', { WebSocket: class {} as unknown as WebSocketConstructor, reconnect: { initialDelay: 5000, maxDelay: 10 } }))
      .toThrow(RangeError)
  })

  it('reconnects after the server drops the socket, and the close event says a retry follows', async () => {
    h = setup({ reconnect: { initialDelay: 100, maxDelay: 100, jitter: 0 } })
    await h.tick()
    const closes: Array<{ willReconnect: boolean }> = []
    h.client.on('close', (e) => closes.push(e))
    const retries = vi.fn()
    h.client.on('reconnecting', retries)
    h.peer().close({ code: 1011, reason: 'boom' })
    await h.tick()
    expect(closes).toMatchObject([{ code: 1011, willReconnect: true }])
    expect(retries).toHaveBeenCalledWith(expect.objectContaining({ attempt: 1, delay: 100 }))
    expect(h.client.state).toBe('reconnecting')
    await h.tick(150)
    expect(h.client.state).toBe('open')
  })
})

describe('calls', () => {
  it('resolves with the result and rejects with a typed RpcError', async () => {
    h = setup()
    await h.tick()
    const ok = h.client.call('add', [1, 2])
    const bad = h.client.call('nope').catch((e: unknown) => e)
    await h.tick()
    const [a, b] = h.json()
    expect(a).toMatchObject({ jsonrpc: '2.0', method: 'add', params: [1, 2] })
    reply(a!.id, 3)
    h.peer().send(JSON.stringify({ jsonrpc: '2.0', id: b!.id, error: { code: -32601, message: 'Method not found', data: 'nope' } }))
    await h.tick()
    await expect(ok).resolves.toBe(3)
    const err = await bad
    expect(err).toBeInstanceOf(RpcError)
    expect(err).toMatchObject({ code: -32601, message: 'Method not found: nope', data: 'nope' })
  })

  it('times out with a TimeoutError counted from the call, even while queued', async () => {
    h = setup({ callTimeout: 1000 })
    const pending = h.client.call('slow')
    const caught = pending.catch((e: unknown) => e)
    h.stop()
    await h.tick(1001)
    expect(await caught).toBeInstanceOf(TimeoutError)
  })

  it('rejects with the abort reason and ignores a late answer', async () => {
    h = setup()
    await h.tick()
    const ac = new AbortController()
    const p = h.client.call('slow', undefined, { signal: ac.signal })
    await h.tick()
    ac.abort(new Error('user cancelled'))
    await expect(p).rejects.toThrow('user cancelled')
    reply(lastRequest('slow').id, 'late')
    await h.tick()
    expect(h.errors).toEqual([])
  })

  it('rejects calls in flight with ConnectionClosedError when the socket drops, but re-sends resend calls', async () => {
    h = setup({ reconnect: { initialDelay: 10, maxDelay: 10, jitter: 0 } })
    await h.tick()
    const plain = h.client.call('write').catch((e: unknown) => e)
    const safe = h.client.call('read', undefined, { resend: true })
    await h.tick()
    h.peer().close({ code: 1006, reason: '' })
    await h.tick()
    expect(await plain).toBeInstanceOf(ConnectionClosedError)
    await h.tick(50)
    expect(h.client.state).toBe('open')
    const reads = h.json().filter((m) => m.method === 'read')
    expect(reads).toHaveLength(2)
    reply(reads[1]!.id, 'fresh')
    await h.tick()
    await expect(safe).resolves.toBe('fresh')
  })

  it('rejects every pending call with ClientClosedError on close()', async () => {
    h = setup()
    await h.tick()
    const calls = [h.client.call('a'), h.client.call('b')]
    h.client.close()
    for (const c of calls) await expect(c).rejects.toBeInstanceOf(ClientClosedError)
    await expect(h.client.call('after')).rejects.toBeInstanceOf(ClientClosedError)
  })

  it('rejects params that cannot be encoded without touching the socket', async () => {
    h = setup()
    await h.tick()
    await expect(h.client.call('big', { n: 1n })).rejects.toBeInstanceOf(ProtocolError)
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    await expect(h.client.call('cyclic', cyclic)).rejects.toBeInstanceOf(ProtocolError)
    expect(h.received).toEqual([])
    expect(h.client.state).toBe('open')
  })
})

describe('the outbox and the order on open', () => {
  it('queues while connecting and flushes in order after resubscribing, before open listeners send', async () => {
    h = setup()
    h.client.subscribe('news', () => {})
    h.client.notify('first', [1])
    h.client.send('raw-second')
    h.client.on('open', () => h.client.notify('from-open-listener'))
    await h.tick()
    const frames = h.received.map(String)
    expect(JSON.parse(frames[0]!)).toMatchObject([{ method: 'rpc.subscribe', params: { topic: 'news' } }])
    expect(JSON.parse(frames[1]!)).toMatchObject({ method: 'first', params: [1] })
    expect(frames[2]).toBe('raw-second')
    expect(JSON.parse(frames[3]!)).toMatchObject({ method: 'from-open-listener' })
  })

  it('drops a volatile frame instead of queueing it, and says so', async () => {
    h = setup()
    expect(h.client.send('pos', { queue: false })).toBe('dropped')
    await h.tick()
    expect(h.client.send('pos', { queue: false })).toBe('sent')
    await h.tick()
    expect(h.received).toEqual(['pos'])
  })

  it('throws when queueing is off and the socket is not open', async () => {
    h = setup({ queue: false })
    expect(() => h.client.send('x')).toThrow(ConnectionClosedError)
    await expect(h.client.call('m')).rejects.toBeInstanceOf(ConnectionClosedError)
    await h.tick()
    expect(h.client.send('x')).toBe('sent')
  })

  it('needs no ping after the first flush against a plain server: its answer to the handshake was its first frame', async () => {
    h = setup()
    h.client.send('queued')
    await h.tick()
    expect(h.received).toEqual(['queued'])
  })

  it('pings right after a flush on later sockets, so the flushed frames are known to be accepted within a round trip', async () => {
    h = setup({ reconnect: { backoff: () => 100 } })
    await h.tick()
    h.peer().close({ code: 1012, reason: 'restart' })
    await h.tick()
    expect(h.client.state).toBe('reconnecting')
    h.client.send('queued')
    await h.tick(200)
    expect(h.received).toEqual(['queued', expect.stringContaining('"method":"rpc.ping"')])
  })

  it('does not ping on an open with nothing queued', async () => {
    h = setup()
    await h.tick()
    expect(h.client.send('live')).toBe('sent')
    await h.tick()
    expect(h.received).toEqual(['live'])
  })

  it('sends the frames a 4401 refused again on the next socket the server accepts', async () => {
    h = setup({ reconnect: { backoff: () => 100, shouldReconnect: (close) => close.code === 4401 || close.code === 1012 } })
    // The first socket learns that the server has no sessions; from then on the plain rule holds
    // what a flush wrote until the server's first frame.
    await h.tick()
    h.peer().close({ code: 1012, reason: 'restart' })
    await h.tick()
    h.client.notify('typed-offline', { n: 1 })
    h.client.send('raw')
    await h.tick(200)
    h.peer().close({ code: 4401, reason: 'token expired' })
    await h.tick(200)
    expect(h.client.state).toBe('open')
    const sent = h.received.filter((f) => !String(f).includes('rpc.ping'))
    expect(sent.map(String)).toEqual([expect.stringContaining('typed-offline'), 'raw', expect.stringContaining('typed-offline'), 'raw'])
    expect(h.client.queued).toBe(0)
  })

  it('holds nothing in raw mode without a ping frame: the server could not be made to speak', async () => {
    h = setup({ protocol: false, reconnect: { backoff: () => 100, shouldReconnect: () => true } })
    h.client.send('raw')
    await h.tick()
    h.peer().close({ code: 4401, reason: 'token expired' })
    await h.tick(200)
    expect(h.client.state).toBe('open')
    expect(h.received).toEqual(['raw'])
  })

  it('does not send them again after any other close: a written frame is at-most-once', async () => {
    h = setup({ reconnect: { backoff: () => 100 } })
    h.client.send('raw')
    await h.tick()
    h.peer().close({ code: 1012, reason: 'restart' })
    await h.tick(200)
    expect(h.client.state).toBe('open')
    expect(h.received.filter((f) => f === 'raw')).toHaveLength(1)
  })
})

describe('server messages', () => {
  it('delivers server events to listen() and never to the lifecycle emitter', async () => {
    h = setup()
    await h.tick()
    const typing = vi.fn()
    const fakeOpen = vi.fn()
    h.client.listen('typing', typing)
    h.client.on('open', fakeOpen)
    h.peer().send(JSON.stringify({ jsonrpc: '2.0', method: 'typing', params: { user: 'ann' } }))
    h.peer().send(JSON.stringify({ jsonrpc: '2.0', method: 'open', params: {} }))
    h.peer().send(JSON.stringify({ jsonrpc: '2.0', method: 'error', params: {} }))
    await h.tick()
    expect(typing).toHaveBeenCalledWith({ user: 'ann' })
    expect(fakeOpen).not.toHaveBeenCalled()
    expect(h.errors).toEqual([])
  })

  it('reports a malformed frame as an error event with a ProtocolError and stays open', async () => {
    h = setup()
    await h.tick()
    h.peer().send('{not json')
    h.peer().send(JSON.stringify({ jsonrpc: '2.0', id: 999, result: 1 }))
    await h.tick()
    expect(h.errors).toHaveLength(2)
    expect(h.errors[0]).toBeInstanceOf(ProtocolError)
    expect((h.errors[0] as ProtocolError).frame).toBe('{not json')
    expect(h.errors[1]).toBeInstanceOf(ProtocolError)
    expect(h.client.state).toBe('open')
  })

  it('delivers the valid members of a batch with a bad one, and reports only the bad one', async () => {
    h = setup()
    await h.tick()
    const ticks = vi.fn()
    h.client.listen('tick', ticks)
    h.client.handle('client.version', () => '1.2.3')
    const call = h.client.call('sum', [1, 2])
    await h.tick()
    const { id } = lastRequest('sum')
    const batch = [
      { jsonrpc: '2.0', method: 'tick', params: [1] },
      { jsonrpc: '2.0', method: 7 },
      { jsonrpc: '2.0', id, result: 3 },
      { jsonrpc: '2.0', id: null, method: 'client.version' },
      { jsonrpc: '2.0', method: 'tick', params: [2] },
    ]
    h.peer().send(JSON.stringify(batch))
    await h.tick()
    await expect(call).resolves.toBe(3)
    expect(ticks.mock.calls).toEqual([[[1]], [[2]]])
    // A request with id null is answered, with id null (JSON-RPC 2.0 allows it).
    expect(h.json()).toContainEqual({ jsonrpc: '2.0', id: null, result: '1.2.3' })
    expect(h.errors).toHaveLength(1)
    expect(h.errors[0]).toBeInstanceOf(ProtocolError)
    expect((h.errors[0] as ProtocolError).frame).toBe(JSON.stringify(batch))
    expect(h.client.state).toBe('open')
  })

  it('keeps other event handlers running when one throws, and reports the throw', async () => {
    h = setup()
    await h.tick()
    const second = vi.fn()
    h.client.listen('tick', () => { throw new Error('handler bug') })
    h.client.listen('tick', second)
    h.peer().send(JSON.stringify({ jsonrpc: '2.0', method: 'tick', params: [1] }))
    await h.tick()
    expect(second).toHaveBeenCalledWith([1])
    expect(h.errors).toMatchObject([{ message: 'handler bug' }])
  })

  it('answers server requests with handle(), and -32601 for unknown methods', async () => {
    h = setup()
    await h.tick()
    h.client.handle('client.version', () => '1.2.3')
    h.peer().send(JSON.stringify({ jsonrpc: '2.0', id: 'a', method: 'client.version' }))
    h.peer().send(JSON.stringify({ jsonrpc: '2.0', id: 'b', method: 'client.unknown' }))
    await h.tick()
    expect(h.json()).toEqual(expect.arrayContaining([
      { jsonrpc: '2.0', id: 'a', result: '1.2.3' },
      expect.objectContaining({ id: 'b', error: expect.objectContaining({ code: -32601 }) }),
    ]))
  })

  it('streams events with for await until the client closes', async () => {
    h = setup()
    await h.tick()
    const seen: unknown[] = []
    const done = (async () => {
      for await (const v of h.client.listen('n')) seen.push(v)
    })()
    for (const v of [1, 2, 3]) h.peer().send(JSON.stringify({ jsonrpc: '2.0', method: 'n', params: { v } }))
    await h.tick()
    h.client.close()
    await done
    expect(seen).toEqual([{ v: 1 }, { v: 2 }, { v: 3 }])
  })
})

describe('raw mode', () => {
  it('passes frames through on("message") and refuses protocol calls with a clear error', async () => {
    h = setup({ protocol: false, heartbeat: { interval: 100, timeout: 50, ping: 'ping', pong: 'pong' } })
    await h.tick()
    const messages = vi.fn()
    h.client.on('message', messages)
    h.peer().send('hello')
    h.peer().send('pong')
    await h.tick()
    expect(messages).toHaveBeenCalledTimes(1)
    expect(messages).toHaveBeenCalledWith('hello')
    await expect(h.client.call('x')).rejects.toBeInstanceOf(TypeError)
  })

  it('sends the raw ping frame after a silent interval', async () => {
    h = setup({ protocol: false, heartbeat: { interval: 100, timeout: 1000, ping: 'ping', pong: 'pong' } })
    await h.tick()
    await h.tick(150)
    expect(h.received).toContain('ping')
  })
})
