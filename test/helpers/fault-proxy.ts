/**
 * A TCP proxy on 127.0.0.1 for integration tests, placed between a client and
 * a real server to break the path the ways real networks do.
 */
import net from 'node:net'
import { WebSocketServer, type WebSocket } from 'ws'

/**
 * How new connections are treated:
 * - `pass`: forwarded both ways.
 * - `blackhole`: accepted and connected upstream, nothing forwarded (a dead NAT path).
 * - `refuse`: reset at accept (a server that is down).
 * - `stall`: accepted, bytes swallowed, no upstream (the handshake never completes).
 */
export type Fault = 'pass' | 'blackhole' | 'refuse' | 'stall'

export interface FaultProxy {
  readonly port: number
  /** `ws://127.0.0.1:<port>` plus `path`. */
  url(path?: string): string
  /** Client connections accepted so far. */
  readonly accepted: number
  /** Client connections currently open. */
  readonly open: number
  /** Treatment of new connections; `blackhole` also silences the current ones. */
  set(fault: Fault): void
  /** Sends a TCP RST on every current connection, both sides. */
  reset(): void
  close(): Promise<void>
}

interface Pair {
  client: net.Socket
  upstream?: net.Socket
  silent: boolean
}

const ignore = () => {}

export async function createFaultProxy(targetPort: number): Promise<FaultProxy> {
  let fault: Fault = 'pass'
  let accepted = 0
  const pairs = new Set<Pair>()
  const server = net.createServer((client) => {
    accepted++
    client.on('error', ignore)
    if (fault === 'refuse') return void client.resetAndDestroy()
    const pair: Pair = { client, silent: fault !== 'pass' }
    pairs.add(pair)
    client.on('close', () => {
      pairs.delete(pair)
      pair.upstream?.destroy()
    })
    // Reading keeps the client's writes flowing into nowhere instead of backing up.
    client.on('data', (data) => pair.silent || pair.upstream?.write(data))
    if (fault === 'stall') return
    const upstream = (pair.upstream = net.connect(targetPort, '127.0.0.1'))
    upstream.on('error', ignore)
    upstream.on('data', (data) => pair.silent || client.write(data))
    upstream.on('close', () => client.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as net.AddressInfo).port
  return {
    port,
    url: (path = '/') => `ws://127.0.0.1:${port}${path}`,
    get accepted() {
      return accepted
    },
    get open() {
      return pairs.size
    },
    set(next) {
      fault = next
      if (next === 'blackhole') for (const pair of pairs) pair.silent = true
    },
    reset() {
      for (const pair of pairs) {
        pair.client.resetAndDestroy()
        pair.upstream?.resetAndDestroy()
      }
    },
    async close() {
      for (const pair of pairs) {
        pair.client.destroy()
        pair.upstream?.destroy()
      }
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** A `ws` server on 127.0.0.1 that answers the text frame `ping` with `pong`. */
export async function createPingServer(onConnection?: (socket: WebSocket) => void) {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' })
  await new Promise<void>((resolve) => wss.once('listening', resolve))
  wss.on('connection', (socket) => {
    socket.on('message', (data, binary) => !binary && String(data) === 'ping' && socket.send('pong'))
    onConnection?.(socket)
  })
  return {
    wss,
    port: (wss.address() as net.AddressInfo).port,
    close: () => {
      for (const socket of wss.clients) socket.terminate()
      return new Promise<void>((resolve) => wss.close(() => resolve()))
    },
  }
}
