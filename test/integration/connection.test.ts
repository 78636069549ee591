// The link over `ws` against a real `ws` server, with a fault-injecting TCP
// proxy in between. Options are small so recoveries take milliseconds; the
// deadlines are generous so a slow machine does not fail them.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { WebSocket } from 'ws'
import { createLink, type ClientCloseEvent, type Link, type State } from '../../src/socket/reconnect'
import { resolveOptions, type SocketOptions, type WebSocketConstructor } from '../../src/socket/options'
import { createFaultProxy, createPingServer, type FaultProxy } from '../helpers/fault-proxy'
import { manualClock } from '../helpers/manual-clock'
import { patient } from '../helpers/wait'
import { flush } from '../helpers/flush'

// Short enough for a quick suite, with room for the event-loop stalls of a loaded 2-core CI run
// (a 150 ms heartbeat timeout once declared a healthy socket dead there while coverage and three
// browsers ran beside it).
const timing = {
  connectTimeout: 1000,
  reconnect: { initialDelay: 20, maxDelay: 100 },
  heartbeat: { interval: 150, timeout: 600 },
} satisfies SocketOptions

let server: Awaited<ReturnType<typeof createPingServer>>
let proxy: FaultProxy
let link: Link | undefined
let sockets: WebSocket[]

/** ws, recording every socket it makes so tests can check none is left open. */
class TrackedWebSocket extends WebSocket {
  constructor(...args: ConstructorParameters<typeof WebSocket>) {
    super(...args)
    sockets.push(this)
  }
}

function connect(o: SocketOptions = {}) {
  const closes: ClientCloseEvent[] = []
  const states: State[] = []
  const delays: number[] = []
  let opens = 0
  let messages = 0
  let overlap = false
  const l: Link = createLink(proxy.url('/live'), resolveOptions({
    WebSocket: TrackedWebSocket as unknown as WebSocketConstructor,
    ...timing,
    ...o,
  }, true), {
    state: (next) => states.push(next),
    open: () => {
      opens++
      overlap ||= sockets.filter((s) => s.readyState === WebSocket.OPEN).length > 1
    },
    message: () => messages++,
    close: (info) => closes.push(info),
    reconnecting: (info) => delays.push(info.delay),
    error: () => {},
    ping: () => l.socket?.send('ping'),
    closing: () => {},
  })
  link = l
  l.start()
  return {
    link: l, closes, states, delays,
    get opens() {
      return opens
    },
    get messages() {
      return messages
    },
    /** True if an open ever happened while another socket was still open. */
    get overlap() {
      return overlap
    },
  }
}

beforeEach(async () => {
  sockets = []
  server = await createPingServer()
  proxy = await createFaultProxy(server.port)
})
afterEach(async () => {
  link?.stop()
  link = undefined
  await proxy.close()
  await server.close()
})

describe('recovers through a fault-injecting proxy', () => {
  it('connection reset (RST): reconnects within maxDelay', async () => {
    const c = connect()
    await vi.waitFor(() => expect(c.opens, 'first open').toBe(1), patient)
    proxy.reset()
    await vi.waitFor(() => expect(c.opens, 'reopen after RST').toBe(2), patient)
    expect(c.closes[0]).toMatchObject({ code: 1006, wasClean: false, willReconnect: true })
    expect(Math.max(...c.delays)).toBeLessThanOrEqual(timing.reconnect.maxDelay)
    expect(c.overlap).toBe(false)
  })

  it('blackhole: the heartbeat declares the silent socket dead and abandons it', async () => {
    const c = connect()
    await vi.waitFor(() => expect(c.opens, 'first open').toBe(1), patient)
    // Pings answered for a while: the heartbeat keeps a healthy socket.
    await vi.waitFor(() => expect(c.messages, 'three pongs').toBeGreaterThanOrEqual(3), patient)
    expect(c.closes).toEqual([])
    proxy.set('blackhole')
    await vi.waitFor(() => expect(c.closes.map((e) => e.reason), 'heartbeat timeout').toContain('heartbeat timeout'), patient)
    expect(c.closes[0]).toEqual({ code: 1006, reason: 'heartbeat timeout', wasClean: false, willReconnect: true })
    // New attempts are blackholed too, so they hit connectTimeout.
    await vi.waitFor(() => expect(c.closes.map((e) => e.reason), 'connect timeout').toContain('connect timeout'), patient)
    proxy.set('pass')
    await vi.waitFor(() => expect(c.opens, 'reopen after the path heals').toBe(2), patient)
    expect(c.overlap).toBe(false)
  })

  it('refused connections: keeps retrying, capped, and connects once accepted again', async () => {
    const c = connect()
    await vi.waitFor(() => expect(c.opens, 'first open').toBe(1), patient)
    proxy.set('refuse')
    proxy.reset()
    await vi.waitFor(() => expect(c.delays.length, 'several retries').toBeGreaterThanOrEqual(4), patient)
    expect(c.link.state).toBe('reconnecting')
    expect(c.delays.every((d) => d >= 0 && d <= timing.reconnect.maxDelay)).toBe(true)
    proxy.set('pass')
    await vi.waitFor(() => expect(c.opens, 'reopen after refusals').toBe(2), patient)
  })

  it('handshake never completes: connectTimeout abandons the attempt, the next one succeeds', async () => {
    const c = connect()
    await vi.waitFor(() => expect(c.opens, 'first open').toBe(1), patient)
    proxy.set('stall')
    proxy.reset()
    await vi.waitFor(() => expect(c.closes.map((e) => e.reason), 'connect timeout').toContain('connect timeout'), patient)
    expect(c.closes.find((e) => e.reason === 'connect timeout')).toEqual({ code: 1006, reason: 'connect timeout', wasClean: false, willReconnect: true })
    proxy.set('pass')
    await vi.waitFor(() => expect(c.opens, 'reopen after stalls').toBe(2), patient)
  })

  it('a first connection that cannot be made is retried like any other', async () => {
    proxy.set('refuse')
    const c = connect()
    await vi.waitFor(() => expect(c.delays.length, 'retries of the first connection').toBeGreaterThanOrEqual(2), patient)
    expect(c.states[0]).toBe('connecting')
    proxy.set('pass')
    await vi.waitFor(() => expect(c.opens, 'first open').toBe(1), patient)
  })

  it('a server close in the 4400 range is final', async () => {
    await server.close()
    server = await createPingServer((socket) => socket.close(4401, 'unauthorized'))
    await proxy.close()
    proxy = await createFaultProxy(server.port)
    // The link's timers on a clock of the test's own: a retry would be a timer, so a clock moved an
    // hour ahead that starts no socket shows none was scheduled (instead of sleeping and hoping).
    const time = manualClock()
    const c = connect({ environment: { clock: time.clock } })
    await vi.waitFor(() => expect(c.link.state, 'final close').toBe('closed'), patient)
    expect(c.closes).toEqual([{ code: 4401, reason: 'unauthorized', wasClean: true, willReconnect: false, why: 'close 4401 not retryable' }])
    expect(time.pending).toBe(0)
    time.advance(60 * 60 * 1000)
    // One turn of the event loop: long enough for an attempt to reach the WebSocket constructor.
    await flush()
    expect(sockets).toHaveLength(1)
    expect(proxy.accepted).toBe(1)
  })

  it('stop() closes the socket cleanly and leaves none open', async () => {
    const c = connect()
    await vi.waitFor(() => expect(c.opens, 'first open').toBe(1), patient)
    c.link.stop(4000, 'done')
    await vi.waitFor(() => expect({ open: sockets.filter((s) => s.readyState !== WebSocket.CLOSED).length, server: server.wss.clients.size }, 'sockets closed').toEqual({ open: 0, server: 0 }), patient)
    expect(c.closes).toEqual([{ code: 4000, reason: 'done', wasClean: true, willReconnect: false, why: 'closed by client' }])
  })
})
