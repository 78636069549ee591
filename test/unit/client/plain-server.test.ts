// Issue #25, item 7: createClient pointed at a plain WebSocket server (an echo server, or one that
// greets with text). Before: the client answered its own echoed handshake ("Method not found:
// rpc.session"), a call rejected with a "Method not found: getUser" the client itself wrote, and
// queued frames waited connectTimeout (10 s) for a handshake answer that could not come.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { Server, WebSocket as MockWebSocket } from 'mock-socket'
import { createClient, isProtocolError, type Client, type WebSocketConstructor } from '../../../src/index'

let n = 0
let server: Server | undefined
let client: Client | undefined
afterEach(() => {
  client?.close()
  server?.stop()
  vi.useRealTimers()
})

/** A plain server at a fresh URL: `greet` first (if given), then every frame sent back as it came. */
function plainServer(greet?: string) {
  vi.useFakeTimers()
  const url = `ws://plain.test/${++n}`
  const received: string[] = []
  server = new Server(url)
  server.on('connection', (socket) => {
    if (greet !== undefined) socket.send(greet)
    socket.on('message', (data) => {
      received.push(String(data))
      socket.send(data)
    })
  })
  client = createClient(url, {
    WebSocket: MockWebSocket as unknown as WebSocketConstructor,
    environment: { window: undefined, document: undefined, navigator: undefined },
  })
  const errors: unknown[] = []
  client.on('error', (error) => errors.push(error))
  return { client, received, errors, tick: (ms = 50) => vi.advanceTimersByTimeAsync(ms) }
}

const methodsWritten = (received: string[]) => received.map((frame) => (JSON.parse(frame) as { method?: string; error?: unknown }))

describe('an echo server', () => {
  it('says it looks like a plain WebSocket server, once, and names createSocket', async () => {
    const { errors, tick } = plainServer()
    await tick()
    expect(errors).toHaveLength(1)
    expect(isProtocolError(errors[0])).toBe(true)
    expect((errors[0] as Error).message).toBe("lifeline: this looks like a plain WebSocket server (it sent back our request 'rpc.session'): use createSocket from lifeline-ws/socket")
  })

  it('never answers our own requests: only what the application sent reaches the server', async () => {
    const { client, received, tick } = plainServer()
    const call = client.call('getUser', { id: 1 }).catch((error: unknown) => error)
    await tick()
    // The handshake and the call, each once; no error answer ("Method not found") written by the client.
    expect(methodsWritten(received).filter((message) => message.error !== undefined)).toEqual([])
    expect(methodsWritten(received).map((message) => message.method)).toEqual(['rpc.session', 'getUser'])
    const error = await call
    expect(isProtocolError(error)).toBe(true)
    expect((error as Error).message).toContain("it sent back our request 'getUser'")
  })

  it('does not hold queued frames for connectTimeout: they go out once the handshake came back', async () => {
    const { client, received, tick } = plainServer()
    client.notify('typing', { room: 'lobby' })
    client.send('raw frame')
    await tick(100)
    expect(received).toContain('raw frame')
    expect(methodsWritten(received.filter((frame) => frame.startsWith('{'))).map((message) => message.method)).toContain('typing')
  })
})

describe('a server whose first frame is not JSON-RPC', () => {
  it('is reported as a plain server, and queued frames go out without waiting connectTimeout', async () => {
    const { client, received, errors, tick } = plainServer('Welcome to the echo server')
    client.send('queued before open')
    await tick(100)
    expect((errors[0] as Error).message).toContain('its first frame does not decode: Welcome to the echo server')
    expect(received).toContain('queued before open')
  })
})
