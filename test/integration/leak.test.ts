// 1,000 reconnect cycles of every kind, then stop(): nothing may be left
// behind: no timer, no environment listener, no socket.
import { afterAll, beforeAll, expect, it, vi } from 'vitest'
import { WebSocket } from 'ws'
import { createLink, type Link } from '../../src/socket/reconnect'
import { resolveOptions, type WebSocketConstructor } from '../../src/socket/options'
import { CountingTarget } from '../helpers/fake-socket'
import { countingClock, trackedWebSocket } from '../helpers/tracking'
import { createFaultProxy, createPingServer } from '../helpers/fault-proxy'
import { patient } from '../helpers/wait'

const CYCLES = 1000

const clock = countingClock()
const pending = clock.pending
const sockets: WebSocket[] = []
const TrackedWebSocket = trackedWebSocket(sockets)

let server: Awaited<ReturnType<typeof createPingServer>>
let proxy: Awaited<ReturnType<typeof createFaultProxy>>
beforeAll(async () => {
  server = await createPingServer()
  proxy = await createFaultProxy(server.port)
})
afterAll(async () => {
  await proxy.close()
  await server.close()
})

it(`leaves nothing behind after ${CYCLES} reconnect cycles`, async () => {
  const window = new CountingTarget()
  const document = Object.assign(new CountingTarget(), { visibilityState: 'visible' })
  let opens = 0
  const closes = new Map<number, number>()
  const link: Link = createLink(proxy.url(), resolveOptions({
    WebSocket: TrackedWebSocket as unknown as WebSocketConstructor,
    connectTimeout: 2000,
    heartbeat: { interval: 1000, timeout: 1000 },
    reconnect: { backoff: () => 0 },
    environment: { clock, window, document, navigator: { onLine: true } },
  }, true), {
    state: () => {},
    // Three ways to lose a socket, in turn: the client restarts, the server
    // closes, the network resets. Each also exercises the heartbeat's timers.
    open: () => {
      const kind = ++opens % 3
      if (opens >= CYCLES) return
      if (kind === 0) link.restart()
      else if (kind === 1) for (const s of server.wss.clients) s.close(1012, 'restart')
      else proxy.reset()
    },
    message: () => {},
    close: (info) => closes.set(info.code, (closes.get(info.code) ?? 0) + 1),
    reconnecting: () => {},
    error: () => {},
    ping: () => link.socket?.send('ping'),
    closing: () => {},
  })
  link.start()
  expect(window.listeners).toBe(3)
  expect(document.listeners).toBe(1)
  await vi.waitFor(() => expect(opens, `${CYCLES} opens`).toBeGreaterThanOrEqual(CYCLES), { ...patient, timeout: 25_000 })
  link.stop()

  expect(link.state).toBe('closed')
  expect(pending.size).toBe(0)
  expect(window.listeners).toBe(0)
  expect(document.listeners).toBe(0)
  expect(sockets.length).toBeGreaterThanOrEqual(CYCLES)
  // Every kind of loss happened about a third of the time (1000: restart, 1012: server, 1006: reset).
  for (const code of [1000, 1012, 1006]) expect(closes.get(code)).toBeGreaterThan(CYCLES / 4)
  await vi.waitFor(() => expect(sockets.filter((s) => s.readyState !== WebSocket.CLOSED), 'every client socket closed').toEqual([]), patient)
  await vi.waitFor(() => expect({ server: server.wss.clients.size, proxy: proxy.open }, 'server and proxy connections gone').toEqual({ server: 0, proxy: 0 }), patient)
}, 30_000)
