/**
 * A client against a mock-socket server, with fake timers. Every test gets
 * its own URL, so servers never collide.
 */
import { Server, WebSocket as MockWebSocket } from 'mock-socket'
import { vi } from 'vitest'
import { createClient, type Client, type ClientOptions, type Contract, type WebSocketConstructor } from '../../../src/index'

let n = 0

export interface Harness<C extends Contract> {
  client: Client<C>
  url: string
  server: Server
  /** Every frame the server received, across all connections, in order. */
  received: unknown[]
  /** The server side of the current connection. */
  peer(): { send(data: string): void; close(opts?: { code: number; reason: string }): void }
  /** Frames parsed as JSON. */
  json(): Array<Record<string, unknown>>
  errors: unknown[]
  /** Let mock-socket's 4 ms delays and the client's timers run. */
  tick(ms?: number): Promise<void>
  stop(): void
  /** Starts a fresh server at the same URL (after stop). */
  restart(): void
}

/** True for the client's session handshake frame (docs/protocol.md, "Sessions"). */
export const isHandshake = (frame: unknown): boolean => typeof frame === 'string' && frame.includes('"method":"rpc.session"')

/**
 * The harness server plays a plain JSON-RPC server (no sessions): it answers the handshake with -32601
 * and keeps it out of `received`, so tests see the frames the application sent.
 */
export function setup<C extends Contract = Contract>(options: ClientOptions = {}): Harness<C> {
  vi.useFakeTimers()
  const url = `ws://lifeline.test/${++n}`
  const received: unknown[] = []
  let current: Parameters<Parameters<Server['on']>[1]>[0] | undefined
  const listen = () => {
    const server = new Server(url)
    server.on('connection', (socket) => {
      current = socket
      socket.on('message', (data) => {
        if (!isHandshake(data)) {
          received.push(data)
          return
        }
        const { id } = JSON.parse(String(data)) as { id: number }
        socket.send(JSON.stringify({ jsonrpc: '2.0', id, error: { code: -32601, message: 'Method not found' } }))
      })
    })
    return server
  }
  const h: Harness<C> = {
    url,
    server: listen(),
    received,
    errors: [],
    client: undefined as never,
    peer: () => {
      if (!current) throw new Error('no connection')
      const s = current as unknown as { send(d: string): void; close(o?: { code: number; reason: string }): void }
      return s
    },
    json: () => received.map((f) => JSON.parse(String(f)) as Record<string, unknown>),
    // Long enough for a round trip through mock-socket (4 ms each way): the handshake and its answer.
    tick: (ms = 25) => vi.advanceTimersByTimeAsync(ms).then(() => undefined),
    stop() {
      h.server.stop()
    },
    restart() {
      h.server = listen()
    },
  }
  h.client = createClient<C>(url, {
    WebSocket: MockWebSocket as unknown as WebSocketConstructor,
    environment: { window: undefined, document: undefined, navigator: undefined },
    ...options,
  })
  h.client.on('error', (e) => h.errors.push(e))
  return h
}
