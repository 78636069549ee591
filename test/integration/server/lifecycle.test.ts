// Heartbeat reaping, slow readers, graceful shutdown and option validation.
import { describe, expect, it } from 'vitest'
import type { Socket } from 'node:net'
import { createServer, isConnectionClosedError } from '../../../src/server'
import { deferred, open, peer, start, track, url, until } from './helpers'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('heartbeat', () => {
  it('answers rpc.ping with "pong"', async () => {
    const server = await start()
    const p = await open(url(server))
    expect(await p.call('rpc.ping', undefined, 1)).toEqual({ jsonrpc: '2.0', id: 1, result: 'pong' })
  })

  it('terminates a client that stops answering ws pings, and keeps one that answers', async () => {
    // Generous: a healthy client only misses a beat if this process stalls for a whole interval.
    const server = await start({ heartbeat: { interval: 150 } })
    const silent = await open(url(server), { autoPong: false })
    const healthy = await open(url(server))
    expect((await silent.closed).code).toBe(1006)
    expect(server.stats.dropped).toBe(1)
    // Several more intervals: the client that answers stays.
    await sleep(500)
    expect(healthy.socket.readyState).toBe(healthy.socket.OPEN)
    expect(server.stats).toMatchObject({ connections: 1, dropped: 1 })
  })

  it('sends no pings with heartbeat: false', async () => {
    const server = await start({ heartbeat: false })
    const p = await open(url(server), { autoPong: false })
    let pings = 0
    p.socket.on('ping', () => pings++)
    await sleep(100)
    expect(pings).toBe(0)
    expect(server.stats.dropped).toBe(0)
  })
})

describe('slow readers', () => {
  it('cuts off a client whose unread backlog passes maxBufferedAmount', async () => {
    const server = await start({ maxBufferedAmount: 65_536 })
    const slow = await open(url(server))
    const fast = await open(url(server))
    await slow.call('rpc.subscribe', { topic: 'firehose' }, 1)
    await fast.call('rpc.subscribe', { topic: 'firehose' }, 1)
    ;(slow.socket as unknown as { _socket: Socket })._socket.pause()
    const chunk = 'x'.repeat(65_536)
    for (let i = 0; i < 2000 && !server.stats.dropped; i++) {
      server.publish('firehose', chunk)
      await sleep(1)
    }
    expect(server.stats.dropped).toBe(1)
    await until(() => server.stats.connections === 1)
    expect((await fast.call('rpc.ping', undefined, 2)).result).toBe('pong')
  })
})

describe('close()', () => {
  it('stops accepting, finishes in-flight calls, then closes every client with 1012', async () => {
    const slowAnswer = deferred()
    const release = () => slowAnswer.resolve()
    const ran: string[] = []
    const server = await start({
      methods: {
        slow: () => slowAnswer.promise.then(() => 'finished'),
        late: () => void ran.push('late'),
      },
    })
    const busy = await open(url(server))
    const idle = await open(url(server))
    busy.send({ jsonrpc: '2.0', id: 1, method: 'slow' })
    await until(() => server.stats.calls === 1)
    const closing = server.close()
    expect(await idle.closed).toEqual({ code: 1012, reason: 'Service restart' })
    // New work is not started while draining; pings still are answered.
    busy.send({ jsonrpc: '2.0', id: 2, method: 'late' })
    expect((await busy.call('rpc.ping', undefined, 3)).result).toBe('pong')
    await expect(open(url(server))).rejects.toThrow()
    release()
    expect(await busy.next()).toEqual({ jsonrpc: '2.0', id: 1, result: 'finished' })
    expect(await busy.closed).toEqual({ code: 1012, reason: 'Service restart' })
    await closing
    expect(ran).toEqual([])
    expect(server.close()).toBe(closing)
    expect(server.stats.connections).toBe(0)
  })

  it('closes clients with 1012 at the deadline even if calls never finish, and rejects calls to clients', async () => {
    const server = await start({ shutdownTimeout: 50, methods: { hang: () => new Promise(() => {}) } })
    const p = await open(url(server))
    p.send({ jsonrpc: '2.0', id: 1, method: 'hang' })
    await until(() => server.stats.calls === 1)
    const pending = [...server.clients.values()][0]!.call('confirm').catch((e: unknown) => e)
    await server.close()
    expect((await p.closed).code).toBe(1012)
    expect(isConnectionClosedError(await pending)).toBe(true)
    // The hanging call lost its answer; only the server's own request arrived.
    expect(p.pending).toEqual([{ jsonrpc: '2.0', id: expect.stringMatching(/^[0-9a-f]{8}\.1$/) as unknown, method: 'confirm' }])
  })

  it('cuts sockets that never finish the closing handshake', async () => {
    const server = await start({ shutdownTimeout: 0 })
    const p = await open(url(server))
    // The peer stops reading: it will never answer the close frame.
    ;(p.socket as unknown as { _socket: Socket })._socket.pause()
    await server.close()
    expect(server.stats.connections).toBe(0)
  })

  it('rejects ready when listening fails or the server closes first', async () => {
    const first = await start()
    const clash = track(createServer({ port: first.port!, host: '127.0.0.1' }))
    await expect(clash.ready).rejects.toMatchObject({ code: 'EADDRINUSE' })
    const early = track(createServer({ port: 0, host: '127.0.0.1' }))
    const closed = early.close()
    await expect(early.ready).rejects.toThrow('closed')
    await closed
  })
})

describe('options', () => {
  it('throws a TypeError or RangeError naming the bad option', () => {
    const bad: [unknown, ErrorConstructor, RegExp][] = [
      [{}, TypeError, /exactly one of port/],
      [{ port: 0, noServer: true }, TypeError, /exactly one/],
      [{ port: 70000 }, RangeError, /port/],
      [{ noServer: true, maxPayload: 0 }, RangeError, /maxPayload/],
      [{ noServer: true, maxInFlight: 1.5 }, RangeError, /maxInFlight/],
      [{ noServer: true, heartbeat: { interval: -1 } }, RangeError, /heartbeat.interval/],
      [{ noServer: true, history: { limit: -1 } }, RangeError, /history.limit/],
      [{ noServer: true, shutdownTimeout: -1 }, RangeError, /shutdownTimeout/],
      [{ noServer: true, methods: { x: 1 } }, TypeError, /methods.x/],
      [{ noServer: true, methods: { 'rpc.ping': () => 1 } }, TypeError, /reserved/],
      [{ noServer: true, methods: { 'rpc.mine': () => 1 } }, TypeError, /reserved/],
      [null, TypeError, /options/],
    ]
    for (const [options, type, message] of bad) {
      expect(() => createServer(options as never)).toThrow(type)
      expect(() => createServer(options as never)).toThrow(message)
    }
  })

  it('connects non-browser clients with a peer that only knows JSON-RPC', async () => {
    const server = await start({ methods: { sum: (p) => (p as number[]).reduce((a, b) => a + b) } })
    const p = peer(url(server))
    await p.opened
    expect((await p.call('sum', [2, 3], 1)).result).toBe(5)
  })
})
