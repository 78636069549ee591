import { describe, expect, it, vi } from 'vitest'
import type { SocketOptions, UrlInput } from '../../../src/socket/options'
import { FakeSocket } from '../../helpers/fake-socket'
import { fakeTimersPerTest, flush, harness, opened } from './harness'

const make = (o: SocketOptions = {}, url?: UrlInput, extra?: Parameters<typeof harness>[2]) =>
  harness({ heartbeat: false, ...o }, url, extra)

fakeTimersPerTest()

describe('state machine', () => {
  it('stays idle until start, then goes connecting -> open, logging each transition', async () => {
    const h = make()
    expect(h.link.state).toBe('idle')
    await flush()
    expect(FakeSocket.instances).toHaveLength(0)
    h.link.start()
    expect(h.link.state).toBe('connecting')
    await flush()
    const socket = FakeSocket.last
    expect(socket.url).toBe('ws://test.local/ws')
    expect(h.link.socket).toBeUndefined()
    socket.accept('chat.v1')
    expect(h.link.state).toBe('open')
    expect(h.link.socket).toBe(socket)
    expect(h.of('state')).toEqual([['connecting', 'idle', 'start'], ['open', 'connecting', 'open']])
    expect(h.of('open')).toEqual([[socket]])
    expect(h.lines).toEqual(['lifeline: idle -> connecting (start)', 'lifeline: connecting -> open (open)'])
  })

  it('walks connecting -> reconnecting -> open -> reconnecting -> open -> closed', async () => {
    const h = make()
    await h.begin()
    await h.failAndRetry()
    FakeSocket.last.accept()
    FakeSocket.last.serverClose(1001, 'going away')
    await vi.advanceTimersByTimeAsync(1000)
    FakeSocket.last.accept()
    h.link.stop()
    expect(h.of('state')).toEqual([
      ['connecting', 'idle', 'start'],
      ['reconnecting', 'connecting', 'close 1006'],
      ['open', 'reconnecting', 'open'],
      ['reconnecting', 'open', 'close 1001'],
      ['open', 'reconnecting', 'open'],
      ['closed', 'open', 'closed by client'],
    ])
    expect(h.lines).toHaveLength(6)
  })

  it('emits close before the state that follows it, once per socket', async () => {
    const h = make()
    const socket = await opened(h)
    socket.serverClose(1012, 'restart')
    expect(h.events.slice(-3).map((e) => e[0])).toEqual(['close', 'state', 'reconnecting'])
    expect(h.closes()).toEqual([{ code: 1012, reason: 'restart', wasClean: true, willReconnect: true }])
  })

  it('start() twice makes one socket', async () => {
    const h = make()
    h.link.start()
    await h.begin()
    expect(FakeSocket.instances).toHaveLength(1)
    expect(h.states()).toEqual(['connecting'])
  })

  it('throws a TypeError from start() without a WebSocket constructor', () => {
    // resolveOptions falls back to the global, which Node 20 lacks and Node 22 has.
    vi.stubGlobal('WebSocket', undefined)
    const { link } = make({ WebSocket: undefined } as unknown as SocketOptions)
    vi.unstubAllGlobals()
    expect(() => link.start()).toThrow(TypeError)
    expect(link.state).toBe('idle')
  })

  it('passes binaryType and protocols to the socket', async () => {
    const h = make({ binaryType: 'arraybuffer', protocols: ['v2', 'v1'] })
    const socket = await opened(h)
    expect(socket.binaryType).toBe('arraybuffer')
    expect(socket.protocols).toEqual(['v2', 'v1'])
  })

  it('maps http: to ws: and https: to wss:', async () => {
    const h = make({}, 'https://example.com/live?x=1#frag')
    await h.begin()
    expect(FakeSocket.last.url).toBe('wss://example.com/live?x=1')
  })

  it('forwards every inbound frame to message', async () => {
    const h = make()
    const socket = await opened(h)
    socket.receive('a')
    socket.receive('b')
    expect(h.of('message')).toEqual([['a'], ['b']])
  })
})

describe('retries', () => {
  it('retries a failing first connection with growing, capped delays', async () => {
    const h = make({ reconnect: { initialDelay: 100, maxDelay: 1000 } })
    await h.begin()
    for (let i = 0; i < 6; i++) await h.failAndRetry()
    // random() = 0.5 with full jitter: half of min(maxDelay, 100 * 2^n).
    expect(h.delays()).toEqual([50, 100, 200, 400, 500, 500])
    expect(h.of('reconnecting').map(([i]) => i.attempt)).toEqual([1, 2, 3, 4, 5, 6])
    expect(FakeSocket.instances).toHaveLength(7)
  })

  it('waits the whole delay before the next attempt', async () => {
    const h = make()
    await h.begin()
    FakeSocket.last.fail()
    await vi.advanceTimersByTimeAsync(499)
    expect(FakeSocket.instances).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(FakeSocket.instances).toHaveLength(2)
  })

  it('uses an injected backoff function with attempt, options and random', async () => {
    const backoff = vi.fn((attempt: number, _options: object, _random: () => number) => 10 * (attempt + 1))
    const random = () => 0.25
    const h = make({ reconnect: { backoff, initialDelay: 7 }, environment: { random } })
    await h.begin()
    await h.failAndRetry()
    FakeSocket.last.fail()
    expect(backoff.mock.calls.map((c) => c[0])).toEqual([0, 1])
    expect(backoff.mock.calls[0]?.[1]).toMatchObject({ initialDelay: 7, maxDelay: 30000, factor: 2, jitter: 'full' })
    expect(backoff.mock.calls[0]?.[2]).toBe(random)
    expect(h.delays()).toEqual([10, 20])
  })

  it.each([
    [4999, 'keeps counting', [[1, 500], [2, 1000]]],
    [5000, 'starts counting again', [[1, 500], [1, 500]]],
  ])('a connection that stayed open %i ms of resetAfter 5000 %s', async (open, _, expected) => {
    const h = make({ reconnect: { resetAfter: 5000 } })
    await h.begin()
    await h.failAndRetry()
    FakeSocket.last.accept()
    await vi.advanceTimersByTimeAsync(open)
    FakeSocket.last.fail()
    expect(h.of('reconnecting').map(([i]) => [i.attempt, i.delay])).toEqual(expected)
  })

  it('closes for good after maxRetries, saying why', async () => {
    const h = make({ reconnect: { maxRetries: 2 } })
    await h.begin()
    await h.failAndRetry()
    await h.failAndRetry()
    FakeSocket.last.fail()
    expect(h.link.state).toBe('closed')
    expect(h.closes().at(-1)).toEqual({ code: 1006, reason: '', wasClean: false, willReconnect: false, why: 'retries exhausted' })
    expect(h.closes()).toHaveLength(3)
    expect(vi.getTimerCount()).toBe(0)
    await vi.advanceTimersByTimeAsync(60_000)
    expect(FakeSocket.instances).toHaveLength(3)
  })

  it('with maxRetries 0 the first failure is final', async () => {
    const h = make({ reconnect: { maxRetries: 0 } })
    await h.begin()
    FakeSocket.last.fail()
    expect(h.states()).toEqual(['connecting', 'closed'])
    expect(h.of('reconnecting')).toHaveLength(0)
  })

  it('with reconnect: false a drop is final', async () => {
    const h = make({ reconnect: false })
    const socket = await opened(h)
    socket.serverClose(1001)
    expect(h.link.state).toBe('closed')
    expect(h.closes()).toEqual([{ code: 1001, reason: '', wasClean: true, willReconnect: false, why: 'reconnect disabled' }])
    expect(vi.getTimerCount()).toBe(0)
  })
})

describe('close policy', () => {
  it.each([1002, 1003, 1007, 1008, 1009, 1010, 1015, 4400, 4401, 4403, 4499])('close %i is final', async (code) => {
    const h = make()
    const socket = await opened(h)
    socket.serverClose(code, 'no')
    expect(h.link.state).toBe('closed')
    expect(h.closes()).toEqual([{ code, reason: 'no', wasClean: true, willReconnect: false, why: `close ${code} not retryable` }])
  })

  it.each([1000, 1001, 1005, 1006, 1011, 1012, 1013, 1014, 4000, 4399, 4500, 4999])('close %i retries', async (code) => {
    const h = make()
    const socket = await opened(h)
    socket.serverClose(code)
    expect(h.link.state).toBe('reconnecting')
    expect(h.closes()[0]?.willReconnect).toBe(true)
  })

  it('shouldReconnect overrides the table both ways, and sees the attempt count', async () => {
    const shouldReconnect = vi.fn((close: { code: number }) => close.code === 4401)
    const h = make({ reconnect: { shouldReconnect } })
    let socket = await opened(h)
    socket.serverClose(4401, 'token expired')
    expect(h.link.state).toBe('reconnecting')
    await vi.advanceTimersByTimeAsync(500)
    socket = FakeSocket.last
    socket.fail()
    expect(h.link.state).toBe('closed')
    expect(shouldReconnect.mock.calls).toEqual([
      [{ code: 4401, reason: 'token expired', wasClean: true }, 0],
      [{ code: 1006, reason: '', wasClean: false }, 1],
    ])
  })

  it('a throwing shouldReconnect is reported and the table decides', async () => {
    const boom = new Error('boom')
    const h = make({ reconnect: { shouldReconnect: () => { throw boom } } })
    const socket = await opened(h)
    socket.serverClose(1006)
    expect(h.of('error')).toEqual([[boom]])
    expect(h.link.state).toBe('reconnecting')
  })
})

describe('connectTimeout', () => {
  it('abandons a socket stuck connecting and schedules the next attempt', async () => {
    const h = make({ connectTimeout: 3000 })
    await h.begin()
    const stuck = FakeSocket.last
    await vi.advanceTimersByTimeAsync(2999)
    expect(h.link.state).toBe('connecting')
    await vi.advanceTimersByTimeAsync(1)
    expect(stuck.closeCalls).toHaveLength(1)
    expect(stuck.attached).toBe(false)
    expect(h.closes()).toEqual([{ code: 1006, reason: 'connect timeout', wasClean: false, willReconnect: true }])
    expect(h.of('reconnecting')[0]?.[0]).toEqual({ attempt: 1, delay: 500, reason: 'connect timeout' })
    // The abandoned socket finishing its handshake late changes nothing.
    stuck.accept()
    expect(h.link.state).toBe('reconnecting')
    await vi.advanceTimersByTimeAsync(500)
    expect(FakeSocket.instances).toHaveLength(2)
  })

  it('does not fire once the socket is open', async () => {
    const h = make({ connectTimeout: 1000 })
    await opened(h)
    await vi.advanceTimersByTimeAsync(10_000)
    expect(h.link.state).toBe('open')
    expect(h.closes()).toHaveLength(0)
  })

  it('covers a provider that never settles', async () => {
    const h = make({ connectTimeout: 1000 }, () => new Promise<string>(() => {}))
    h.link.start()
    await vi.advanceTimersByTimeAsync(1000)
    // No socket existed, so there is no close event; the attempt still counts.
    expect(h.closes()).toHaveLength(0)
    expect(h.of('reconnecting')[0]?.[0]).toMatchObject({ attempt: 1, reason: 'connect timeout' })
  })
})

describe('providers', () => {
  it('calls a sync url provider before every attempt', async () => {
    let n = 0
    const h = make({}, () => `ws://test.local/ws?token=${++n}`)
    await h.begin()
    await h.failAndRetry()
    expect(FakeSocket.instances.map((s) => s.url)).toEqual(['ws://test.local/ws?token=1', 'ws://test.local/ws?token=2'])
  })

  it('awaits async url and protocols providers before every attempt', async () => {
    let n = 0
    const protocols = vi.fn(async () => [`token.${n}`])
    const h = make({ protocols }, async () => new URL(`http://test.local/a?n=${++n}`))
    const first = await opened(h)
    first.serverClose(1012)
    await vi.advanceTimersByTimeAsync(500)
    expect(FakeSocket.instances.map((s) => [s.url, s.protocols])).toEqual([
      ['ws://test.local/a?n=1', ['token.1']],
      ['ws://test.local/a?n=2', ['token.2']],
    ])
    expect(protocols).toHaveBeenCalledTimes(2)
  })

  it.each([
    ['throws', () => { throw new Error('no token') }],
    ['rejects', () => Promise.reject(new Error('no token'))],
  ])('a url provider that %s is an error and a failed attempt', async (_, provider) => {
    const h = make({}, provider as () => Promise<string>)
    await h.begin()
    expect(FakeSocket.instances).toHaveLength(0)
    expect(h.of('error').map(([e]) => (e as Error).message)).toEqual(['no token'])
    expect(h.of('reconnecting')[0]?.[0]).toEqual({ attempt: 1, delay: 500, reason: 'attempt failed' })
    expect(h.closes()).toHaveLength(0)
  })

  it('a provider returning a bad scheme reports a TypeError and retries', async () => {
    const h = make({}, () => 'ftp://example.com')
    await h.begin()
    expect(h.of('error')[0]?.[0]).toBeInstanceOf(TypeError)
    expect(h.link.state).toBe('reconnecting')
  })

  it('a failing protocols provider counts against maxRetries, and the final close says why', async () => {
    const h = make({ reconnect: { maxRetries: 1 }, protocols: () => { throw new Error('x') } })
    await h.begin()
    await vi.advanceTimersByTimeAsync(500)
    expect(h.link.state).toBe('closed')
    expect(h.of('error')).toHaveLength(2)
    expect(h.closes()).toEqual([{ code: 1006, reason: 'attempt failed', wasClean: false, willReconnect: false, why: 'retries exhausted' }])
  })

  it('a WebSocket constructor that throws is reported and retried', async () => {
    const h = make({ WebSocket: class { constructor() { throw new SyntaxError('bad protocols') } } as never })
    await h.begin()
    expect(h.of('error')[0]?.[0]).toBeInstanceOf(SyntaxError)
    expect(h.link.state).toBe('reconnecting')
  })

  it('a provider settling after stop() creates no socket', async () => {
    let resolve!: (url: string) => void
    const h = make({}, () => new Promise<string>((r) => (resolve = r)))
    await h.begin()
    h.link.stop()
    resolve('ws://test.local/late')
    await flush()
    expect(FakeSocket.instances).toHaveLength(0)
    expect(h.of('error')).toHaveLength(0)
  })
})

describe('stop, restart and stale sockets', () => {
  it('stop() while connecting abandons the socket and closes for good', async () => {
    const h = make()
    await h.begin()
    const socket = FakeSocket.last
    h.link.stop()
    expect(socket.closeCalls).toEqual([[1000, '']])
    expect(socket.attached).toBe(false)
    expect(h.closes()).toEqual([{ code: 1000, reason: '', wasClean: true, willReconnect: false, why: 'closed by client' }])
    expect(h.states()).toEqual(['connecting', 'closed'])
    socket.accept()
    expect(h.link.state).toBe('closed')
    expect(vi.getTimerCount()).toBe(0)
  })

  it('stop() twice is one close; start() and restart() after it do nothing', async () => {
    const h = make()
    const socket = await opened(h)
    h.link.stop(4000, 'bye')
    h.link.stop()
    h.link.start()
    h.link.restart()
    await flush()
    expect(socket.closeCalls).toEqual([[4000, 'bye']])
    expect(h.closes()).toHaveLength(1)
    expect(FakeSocket.instances).toHaveLength(1)
    expect(h.link.state).toBe('closed')
  })

  it('stop() during a backoff wait leaves no timers and a final close event', async () => {
    const h = make()
    const socket = await opened(h)
    socket.fail()
    h.link.stop()
    expect(vi.getTimerCount()).toBe(0)
    expect(h.closes().map((c) => c.willReconnect)).toEqual([true, false])
    await vi.advanceTimersByTimeAsync(60_000)
    expect(FakeSocket.instances).toHaveLength(1)
  })

  it('stop() on an idle link closes it', () => {
    const h = make()
    h.link.stop()
    expect(h.states()).toEqual(['closed'])
    expect(h.closes()).toHaveLength(1)
  })

  it('stop() rejects a close code a browser would refuse, before changing anything', async () => {
    const h = make()
    await opened(h)
    expect(() => h.link.stop(1006)).toThrow(RangeError)
    expect(() => h.link.stop(2999)).toThrow(/3000-4999/)
    expect(h.link.state).toBe('open')
  })

  it('a reason the socket refuses still closes it', async () => {
    const h = make()
    const socket = await opened(h)
    h.link.stop(1000, 'x'.repeat(200))
    expect(socket.closeCalls).toEqual([[1000, 'x'.repeat(200)], [undefined, undefined]])
    expect(h.link.state).toBe('closed')
  })

  it('restart() while open drops the socket and connects at once with the backoff reset', async () => {
    const h = make()
    await h.begin()
    await h.failAndRetry()
    await h.failAndRetry()
    const socket = FakeSocket.last
    socket.accept()
    h.link.restart('user asked')
    expect(socket.closeCalls).toEqual([[1000, 'user asked']])
    expect(h.closes().at(-1)).toEqual({ code: 1000, reason: 'user asked', wasClean: true, willReconnect: true })
    expect(h.link.state).toBe('reconnecting')
    await flush()
    expect(FakeSocket.instances).toHaveLength(4)
    FakeSocket.last.fail()
    expect(h.delays().at(-1)).toBe(500)
  })

  it('restart() during a backoff wait connects at once, once', async () => {
    const h = make()
    const socket = await opened(h)
    socket.fail()
    h.link.restart()
    await flush()
    expect(FakeSocket.instances).toHaveLength(2)
    FakeSocket.last.accept()
    await vi.advanceTimersByTimeAsync(60_000)
    expect(FakeSocket.instances).toHaveLength(2)
    // The first socket's close was already reported; restart adds none.
    expect(h.closes()).toHaveLength(1)
  })

  it('restart() on an idle link starts it', async () => {
    const h = make()
    h.link.restart()
    await flush()
    expect(h.states()).toEqual(['connecting'])
    expect(FakeSocket.instances).toHaveLength(1)
  })

  it('events already dispatched to an abandoned socket never reach the hooks', async () => {
    const h = make()
    const old = await opened(h)
    const handlers = { open: old.onopen, message: old.onmessage, close: old.onclose } as Record<string, ((e: object) => void) | null>
    h.link.restart()
    await flush()
    const before = h.events.length
    handlers.message?.({ data: 'late' })
    handlers.close?.({ code: 1006, reason: '', wasClean: false })
    handlers.open?.({})
    expect(h.events.length).toBe(before)
    expect(old.attached).toBe(false)
  })

  it('never has two live sockets', async () => {
    const h = make({ connectTimeout: 1000 })
    h.link.start()
    for (let i = 0; i < 20; i++) {
      await flush()
      if (i % 3 === 0) FakeSocket.last.accept()
      if (i % 4 === 0) h.link.restart()
      else if (i % 2 === 0) FakeSocket.last.fail()
      await vi.advanceTimersByTimeAsync(700)
      expect(FakeSocket.instances.filter((s) => s.attached).length).toBeLessThanOrEqual(1)
    }
  })

  it('a hook calling stop() from close ends everything', async () => {
    const h = make({}, undefined, { close: () => h.link.stop() })
    const socket = await opened(h)
    socket.serverClose(1012)
    expect(h.link.state).toBe('closed')
    expect(h.of('reconnecting')).toHaveLength(0)
    expect(h.closes().map((c) => c.willReconnect)).toEqual([true, false])
    expect(vi.getTimerCount()).toBe(0)
  })

  it('a hook calling stop() from the connecting state creates no socket', async () => {
    const h = make({}, undefined, { state: (next) => next === 'connecting' && h.link.stop() })
    await h.begin()
    expect(FakeSocket.instances).toHaveLength(0)
    expect(h.states()).toEqual(['connecting', 'closed'])
  })

  it('a hook calling restart() from close leaves one attempt going', async () => {
    let once = true
    const h = make({}, undefined, { close: () => once && !(once = false) && h.link.restart() })
    const socket = await opened(h)
    socket.serverClose(1012)
    await flush()
    FakeSocket.last.accept()
    await vi.advanceTimersByTimeAsync(60_000)
    expect(FakeSocket.instances).toHaveLength(2)
    expect(h.link.state).toBe('open')
    expect(h.of('reconnecting')).toHaveLength(0)
  })
})

describe('heartbeat in the link', () => {
  const beat = { heartbeat: { interval: 1000, timeout: 500 } }

  it('pings after interval of silence; any frame postpones it', async () => {
    const h = make(beat)
    const socket = await opened(h)
    await vi.advanceTimersByTimeAsync(900)
    socket.receive('x')
    await vi.advanceTimersByTimeAsync(900)
    expect(h.of('ping')).toHaveLength(0)
    await vi.advanceTimersByTimeAsync(100)
    expect(h.of('ping')).toHaveLength(1)
    socket.receive('pong')
    await vi.advanceTimersByTimeAsync(999)
    expect(h.link.state).toBe('open')
  })

  it('abandons a silent socket after ping + timeout and reconnects', async () => {
    const h = make(beat)
    const socket = await opened(h)
    await vi.advanceTimersByTimeAsync(1499)
    expect(h.link.state).toBe('open')
    await vi.advanceTimersByTimeAsync(1)
    expect(socket.attached).toBe(false)
    expect(socket.closeCalls).toHaveLength(1)
    expect(h.closes()).toEqual([{ code: 1006, reason: 'heartbeat timeout', wasClean: false, willReconnect: true }])
    expect(h.link.state).toBe('reconnecting')
    await vi.advanceTimersByTimeAsync(500)
    expect(FakeSocket.instances).toHaveLength(2)
  })

  it('probe() pings at once; no-op without a heartbeat or socket', async () => {
    const h = make(beat)
    h.link.probe()
    const socket = await opened(h)
    h.link.probe()
    expect(h.of('ping')).toHaveLength(1)
    socket.receive('pong')
    await vi.advanceTimersByTimeAsync(600)
    expect(h.link.state).toBe('open')

    const off = make({ heartbeat: false })
    await opened(off)
    off.link.probe()
    await vi.advanceTimersByTimeAsync(120_000)
    expect(off.of('ping')).toHaveLength(0)
    expect(off.link.state).toBe('open')
  })

  it('stops with the socket: no pings while reconnecting', async () => {
    const h = make(beat)
    const socket = await opened(h)
    socket.serverClose(1012)
    h.link.stop()
    await vi.advanceTimersByTimeAsync(10_000)
    expect(h.of('ping')).toHaveLength(0)
  })
})
