/**
 * A TCP proxy on 127.0.0.1 in front of the test server: the client's fixed
 * address, which survives restarts, and the place where a path can go silent
 * (blackhole) or be reset the way real networks fail.
 * @module
 */
import net from 'node:net'

/** @internal */
export interface Proxy {
  readonly port: number
  /** Connections currently open through the proxy. */
  readonly open: number
  /** Where new connections go; `undefined` resets them at accept (the server is down). */
  target: number | undefined
  /** While true, nothing is forwarded either way, on current and new connections; nothing is closed. */
  silent: boolean
  /** Sends a TCP RST on every current connection, both sides. */
  reset(): void
  close(): Promise<void>
}

interface Pair {
  client: net.Socket
  upstream: net.Socket
}

const ignore = () => {}

/** @internal */
export async function createProxy(): Promise<Proxy> {
  const pairs = new Set<Pair>()
  const proxy = {
    target: undefined as number | undefined,
    silent: false,
  }
  const server = net.createServer((client) => {
    client.on('error', ignore)
    if (proxy.target === undefined) return void client.resetAndDestroy()
    const upstream = net.connect(proxy.target, '127.0.0.1')
    upstream.on('error', ignore)
    const pair: Pair = { client, upstream }
    pairs.add(pair)
    // Both sides keep reading while silent, so the writers' buffers do not fill up and give it away.
    client.on('data', (data) => {
      if (!proxy.silent) upstream.write(data)
    })
    upstream.on('data', (data) => {
      if (!proxy.silent) client.write(data)
    })
    client.on('close', () => {
      pairs.delete(pair)
      upstream.destroy()
    })
    upstream.on('close', () => client.destroy())
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const { port } = server.address() as net.AddressInfo
  return Object.assign(proxy, {
    port,
    get open() {
      return pairs.size
    },
    reset() {
      for (const pair of pairs) {
        pair.client.resetAndDestroy()
        pair.upstream.resetAndDestroy()
      }
    },
    async close() {
      for (const pair of pairs) {
        pair.client.destroy()
        pair.upstream.destroy()
      }
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  })
}
