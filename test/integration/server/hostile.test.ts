// The limits that protect the server from one hostile client: a handshake deadline (slowloris),
// connections per address, a per-socket message rate, frame size, and floods of calls and
// subscriptions. Each test also shows that a well-behaved client next to the hostile one is served.
import net from 'node:net'
import { describe, expect, it, vi } from 'vitest'
import { client } from './client-helper'
import { cleanup, deferred, open, refusedWith, start, url } from './helpers'
import { patient } from '../../helpers/wait'

/** A raw TCP connection to the server, closed after the test. */
async function raw(port: number): Promise<net.Socket & { ended: Promise<void> }> {
  const socket = net.connect(port, '127.0.0.1')
  socket.on('error', () => {})
  cleanup(() => socket.destroy())
  const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()))
  await new Promise((resolve) => socket.once('connect', resolve))
  return Object.assign(socket, { ended })
}

describe('handshake deadline (handshakeTimeout)', () => {
  it('closes a connection that trickles its upgrade request (slowloris), and serves others meanwhile', async () => {
    const server = await start({ handshakeTimeout: 500 })
    const slow = await raw(server.port!)
    const request = `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nX-Pad: ${'a'.repeat(10_000)}\r\n\r\n`
    let sent = 0
    // One byte every 20 ms: the whole request would take over 3 minutes.
    const trickle = setInterval(() => {
      if (!slow.destroyed) slow.write(request[sent++]!)
    }, 20)
    cleanup(() => clearInterval(trickle))
    await open(url(server))
    await slow.ended
    expect(sent).toBeLessThan(request.length)
    expect(server.stats.rejected).toBe(1)
  })

  it('closes a connection that sends nothing at all', async () => {
    const server = await start({ handshakeTimeout: 300 })
    const silent = await raw(server.port!)
    await silent.ended
    expect(server.stats.rejected).toBe(1)
  })

  // Before: the socket was cut without an answer, where the option's documentation promised 503.
  it('gives up on an authenticate that never answers, with HTTP 503', async () => {
    const never = deferred<boolean>()
    const server = await start({ handshakeTimeout: 300, authenticate: () => never.promise })
    expect(await refusedWith(url(server))).toBe(503)
    never.resolve(true)
    await vi.waitFor(() => expect(server.stats).toMatchObject({ connections: 0, rejected: 1 }), patient)
  })

  it('lets a connection that finished its handshake live past the deadline', async () => {
    const server = await start({ handshakeTimeout: 200 })
    const p = await open(url(server))
    // A connection made after it sends nothing and is cut at its deadline: this one's deadline (armed
    // first, for the same time) has passed too, and the socket still answers. An event, not a sleep.
    const later = await raw(server.port!)
    await later.ended
    expect(server.stats.rejected).toBe(1)
    expect((await p.call('rpc.ping')).result).toBe('pong')
  })

  it('validates the option', async () => {
    await expect(start({ handshakeTimeout: 0 })).rejects.toThrow(/handshakeTimeout must be an integer >= 1/)
  })
})

describe('connections per address (maxConnectionsPerAddress)', () => {
  it('refuses the next upgrade from one address with 429, and accepts again once one left', async () => {
    const server = await start({ maxConnectionsPerAddress: 3 })
    const peers = [await open(url(server)), await open(url(server)), await open(url(server))]
    expect(await refusedWith(url(server))).toBe(429)
    peers[0]!.socket.close()
    await vi.waitFor(() => expect(server.stats.connections).toBe(2), patient)
    await open(url(server))
    expect(server.stats.rejected).toBe(1)
  })

  it('counts by clientAddress when given (a proxy that sets X-Forwarded-For)', async () => {
    const server = await start({
      maxConnectionsPerAddress: 1,
      clientAddress: (request) => String(request.headers['x-forwarded-for']),
    })
    await open(url(server), { headers: { 'x-forwarded-for': '203.0.113.1' } })
    await open(url(server), { headers: { 'x-forwarded-for': '203.0.113.2' } })
    expect(await refusedWith(url(server), { headers: { 'x-forwarded-for': '203.0.113.1' } })).toBe(429)
  })

  it('validates the options', async () => {
    await expect(start({ maxConnectionsPerAddress: 0 })).rejects.toThrow(/maxConnectionsPerAddress must be an integer >= 1/)
    await expect(start({ clientAddress: 'x-forwarded-for' as never })).rejects.toThrow(/clientAddress must be a function/)
  })
})

describe('message rate (rateLimit)', () => {
  it('closes a socket that floods with 1008 "Rate limit exceeded", and serves others', async () => {
    const server = await start({ rateLimit: { rate: 10, burst: 50 } })
    const other = await open(url(server))
    const flood = await open(url(server))
    for (let index = 0; index < 200; index++) flood.send({ jsonrpc: '2.0', id: index, method: 'rpc.ping' })
    expect(await flood.closed).toEqual({ code: 1008, reason: 'Rate limit exceeded' })
    expect((await other.call('rpc.ping')).result).toBe('pong')
    expect(server.stats.dropped).toBe(1)
  })

  it('counts every message of a batch', async () => {
    const server = await start({ rateLimit: { rate: 10, burst: 50 } })
    const small = await open(url(server))
    small.send(Array.from({ length: 40 }, (_, id) => ({ jsonrpc: '2.0', id, method: 'rpc.ping' })))
    expect(await small.next()).toHaveLength(40)
    const big = await open(url(server))
    big.send(Array.from({ length: 60 }, (_, id) => ({ jsonrpc: '2.0', id, method: 'rpc.ping' })))
    expect((await big.closed).code).toBe(1008)
  })

  it('refills: a client that keeps under the rate is never closed', async () => {
    // The bucket reads Date.now: a fake Date (and nothing else faked, the sockets stay real) paces
    // the pings at exactly 12 ms of the server's time each, 83 a second, without waiting for it.
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      const server = await start({ rateLimit: { rate: 100, burst: 5 } })
      const p = await open(url(server))
      // 30 pings: past the burst of 5 only if the bucket refills.
      for (let index = 0; index < 30; index++) {
        expect((await p.call('rpc.ping')).result).toBe('pong')
        vi.advanceTimersByTime(12)
      }
      expect(server.stats.dropped).toBe(0)
    } finally {
      vi.useRealTimers()
    }
  })

  it('never trips with the default on a lifeline client flushing a full outbox and resubscribing 1,000 topics', async () => {
    let notified = 0
    const server = await start({ methods: { note: () => void notified++ } })
    const c = client(url(server), { lazy: true })
    const closes: number[] = []
    c.on('close', (info) => closes.push(info.code))
    let last: unknown
    for (let index = 0; index < 999; index++) c.subscribe(`topic-${index}`, () => {})
    c.subscribe('topic-999', (data) => {
      last = data
    })
    for (let index = 0; index < 1000; index++) c.notify('note', [index])
    c.connect()
    await vi.waitFor(() => expect(notified).toBe(1000), { ...patient, timeout: 20_000 })
    // Every subscribe went through too: a publish on the last topic arrives.
    await vi.waitFor(() => {
      server.publish('topic-999', 'hello')
      expect(last).toBe('hello')
    }, { ...patient, interval: 10 })
    expect(closes).toEqual([])
    expect(server.stats.dropped).toBe(0)
  })

  it('can be turned off, and validates its values', async () => {
    const server = await start({ rateLimit: false })
    const p = await open(url(server))
    p.send(Array.from({ length: 20_000 }, (_, id) => ({ jsonrpc: '2.0', id, method: 'rpc.ping' })))
    expect(await p.next(20_000)).toHaveLength(20_000)
    await expect(start({ rateLimit: { rate: 0 } })).rejects.toThrow(/rateLimit.rate must be an integer >= 1/)
    await expect(start({ rateLimit: 5 as never })).rejects.toThrow(/rateLimit must be an object or false/)
  })
})

describe('size and floods', () => {
  it('closes a frame over the default maxPayload (1 MiB) with 1009', async () => {
    const server = await start()
    const other = await open(url(server))
    const p = await open(url(server))
    p.send({ jsonrpc: '2.0', id: 1, method: 'x', params: ['a'.repeat(1_048_576)] })
    expect((await p.closed).code).toBe(1009)
    expect((await other.call('rpc.ping')).result).toBe('pong')
  })

  it('bounds a flood of calls and subscriptions from one connection: work, queue and topics stay within their limits', async () => {
    const release = deferred()
    let running = 0
    let most = 0
    const server = await start({
      maxInFlight: 4,
      maxQueued: 10,
      maxSubscriptions: 100,
      methods: {
        hold: async () => {
          running++
          most = Math.max(most, running)
          await release.promise
          running--
          return 'done'
        },
      },
    })
    const other = await open(url(server))
    const flood = await open(url(server))
    flood.send(Array.from({ length: 1000 }, (_, id) => ({ jsonrpc: '2.0', id, method: 'hold' })))
    flood.send(Array.from({ length: 1000 }, (_, id) => ({ jsonrpc: '2.0', id: `s${id}`, method: 'rpc.subscribe', params: { topic: `t${id}` } })))
    const subscribes = (await flood.next()) as unknown as { result?: unknown; error?: { code: number } }[]
    expect(subscribes.filter((reply) => reply.error?.code === -32001)).toHaveLength(900)
    expect((await other.call('rpc.ping')).result).toBe('pong')
    release.resolve()
    const calls = (await flood.next()) as unknown as { result?: unknown; error?: { code: number } }[]
    expect(calls.filter((reply) => reply.result === 'done')).toHaveLength(14)
    expect(calls.filter((reply) => reply.error?.code === -32000)).toHaveLength(986)
    expect(most).toBe(4)
  })
})
