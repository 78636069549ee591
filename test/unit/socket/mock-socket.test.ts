// The link against mock-socket's WebSocket and Server: a third-party socket
// implementation with its own event dispatch, driven by fake timers.
import { Server, WebSocket as MockWebSocket } from 'mock-socket'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createLink, type LinkHooks } from '../../../src/socket/reconnect'
import { resolveOptions, type WebSocketConstructor } from '../../../src/socket/options'

const url = 'ws://mock.local/ws'
let server: Server

const setup = () => {
  const seen: string[] = []
  const hooks: LinkHooks = {
    state: (next) => seen.push(next),
    open: () => {},
    message: (data) => seen.push(`message ${String(data)}`),
    close: (info) => seen.push(`close ${info.code} ${info.willReconnect}`),
    reconnecting: () => {},
    error: () => {},
    ping: () => link.socket?.send('ping'),
    closing: () => {},
  }
  const options = resolveOptions({
    WebSocket: MockWebSocket as unknown as WebSocketConstructor,
    reconnect: { initialDelay: 100 },
    heartbeat: { interval: 1000, timeout: 500 },
    environment: { random: () => 1 },
  }, true)
  const link = createLink(url, options, hooks)
  return { link, seen }
}

beforeEach(() => {
  vi.useFakeTimers()
  server = new Server(url)
})
afterEach(() => {
  server.stop()
  vi.useRealTimers()
})

describe('link over mock-socket', () => {
  it('opens, receives, reconnects after the server closes, and stops', async () => {
    const { link, seen } = setup()
    server.on('connection', (socket) => socket.send('welcome'))
    link.start()
    await vi.advanceTimersByTimeAsync(10)
    expect(link.state).toBe('open')
    server.clients()[0]?.close({ code: 1012, reason: 'restart', wasClean: true })
    await vi.advanceTimersByTimeAsync(110)
    expect(link.state).toBe('open')
    link.stop()
    await vi.advanceTimersByTimeAsync(10)
    expect(seen).toEqual([
      'connecting', 'open', 'message welcome',
      'close 1012 true', 'reconnecting', 'open', 'message welcome',
      'close 1000 false', 'closed',
    ])
  })

  it('heartbeat: answered pings keep it open, an unanswered one reconnects', async () => {
    const { link, seen } = setup()
    let answer = true
    server.on('connection', (socket) => socket.on('message', (m) => answer && m === 'ping' && socket.send('pong')))
    link.start()
    await vi.advanceTimersByTimeAsync(5000)
    expect(seen.filter((s) => s === 'message pong').length).toBeGreaterThanOrEqual(3)
    expect(seen).not.toContain('reconnecting')
    answer = false
    await vi.advanceTimersByTimeAsync(1600)
    expect(seen).toContain('close 1006 true')
    link.stop()
  })
})
