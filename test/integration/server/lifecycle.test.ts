// Heartbeat reaping, slow readers, graceful shutdown and option validation.
import { describe, expect, it, vi } from 'vitest'
import type { Socket } from 'node:net'
import { createServer, isConnectionClosedError } from '../../../src/server'
import { deferred, open, peer, start, track, url } from './helpers'
import { patient } from '../../helpers/wait'

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
    let pings = 0
    healthy.socket.on('ping', () => pings++)
    expect((await silent.closed).code).toBe(1006)
    expect(server.stats.dropped).toBe(1)
    // Several more intervals: the client that answers stays. The server pings only a client that
    // answered the previous ping (it terminates the others), so three more pings are three more
    // beats survived: counted, not slept. The server's interval is a real one (its sockets are real).
    const before = pings
    await vi.waitFor(() => expect(pings - before).toBeGreaterThanOrEqual(3), patient)
    expect(healthy.socket.readyState).toBe(healthy.socket.OPEN)
    expect(server.stats).toMatchObject({ connections: 1, dropped: 1 })
  })

  it('sends no pings with heartbeat: false', async () => {
    // The heartbeat is a setInterval: faking only that leaves the sockets (and every timer of ws and
    // the server) real, and lets a day pass at once.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
    try {
      const server = await start({ heartbeat: false })
      const p = await open(url(server), { autoPong: false })
      let pings = 0
      p.socket.on('ping', () => pings++)
      // Nothing scheduled: no beat can ever come.
      expect(vi.getTimerCount()).toBe(0)
      vi.advanceTimersByTime(24 * 60 * 60 * 1000)
      // A ping sent during that day would be on the wire ahead of this answer.
      expect((await p.call('rpc.ping')).result).toBe('pong')
      expect(pings).toBe(0)
      expect(server.stats.dropped).toBe(0)
    } finally {
      vi.useRealTimers()
    }
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
      // Paces the publisher (a timer turn per chunk), so the reader that reads keeps up and only the paused one backs up.
      await new Promise((resolve) => setTimeout(resolve, 1))
    }
    expect(server.stats.dropped).toBe(1)
    await vi.waitFor(() => expect(server.stats.connections).toBe(1), patient)
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
    await vi.waitFor(() => expect(server.stats.calls).toBe(1), patient)
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
    await vi.waitFor(() => expect(server.stats.calls).toBe(1), patient)
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
