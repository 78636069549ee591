// The whole client through 1,000 reconnects with calls, a subscription and
// queued frames in play, then close(): every promise settled, and no timer,
// environment listener or socket left behind.
import { expect, it, vi } from 'vitest'
import { WebSocket } from 'ws'
import { createClient, type WebSocketConstructor } from '../../src/index'
import { CountingTarget } from '../helpers/fake-socket'
import { countingClock, trackedWebSocket } from '../helpers/tracking'
import { start, url } from './server/helpers'
import { patient } from '../helpers/wait'

const CYCLES = 1000

const clock = countingClock()
const pending = clock.pending
const sockets: WebSocket[] = []
const TrackedWebSocket = trackedWebSocket(sockets)

it(`settles everything and leaves nothing behind after ${CYCLES} client reconnects`, async () => {
  const server = await start({ methods: { echo: (p: unknown) => p, hang: () => new Promise(() => {}) } })
  const window = new CountingTarget()
  const document = Object.assign(new CountingTarget(), { visibilityState: 'visible' })
  const client = createClient(url(server), {
    WebSocket: TrackedWebSocket as unknown as WebSocketConstructor,
    heartbeat: { interval: 1000, timeout: 1000 },
    reconnect: { backoff: () => 0 },
    environment: { clock, window, document, navigator: { onLine: true } },
  })
  const sub = client.subscribe('news', () => {})
  const settled: Array<Promise<unknown>> = []
  let opens = 0
  client.on('open', () => {
    if (++opens >= CYCLES) return
    // Each cycle leaves a call in flight and a frame queued, then drops the socket.
    settled.push(client.call('hang', { n: opens }).catch((e: unknown) => e))
    client.reconnect()
    client.notify('echo', { n: opens })
  })
  await vi.waitFor(() => expect(opens).toBeGreaterThanOrEqual(CYCLES), { ...patient, timeout: 60_000 })
  await sub.ready
  settled.push(client.call('hang').catch((e: unknown) => e))
  client.close()

  const outcomes = await Promise.all(settled)
  expect(outcomes).toHaveLength(CYCLES)
  expect(outcomes.every((o) => o instanceof Error)).toBe(true)
  expect(pending.size).toBe(0)
  expect(window.listeners).toBe(0)
  expect(document.listeners).toBe(0)
  expect(sockets.length).toBeGreaterThanOrEqual(CYCLES)
  await vi.waitFor(() => expect(sockets.filter((s) => s.readyState !== WebSocket.CLOSED), 'every client socket closed').toEqual([]), patient)
  // Connected sockets, not clients: with sessions a client's context outlives its socket (sessions.ttl).
  await vi.waitFor(() => expect(server.stats.connections).toBe(0), patient)
}, 90_000)
