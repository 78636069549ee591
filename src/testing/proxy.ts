/**
 * A TCP proxy on 127.0.0.1 in front of the test server: the client's fixed
 * address, which survives restarts, and the place where a path can go silent
 * (blackhole: bytes held, as a stalled TCP path holds them) or be reset the
 * way real networks fail.
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
  /**
   * While true, nothing is delivered either way, on current and new connections; nothing is closed.
   * The bytes are held, in order, as a stalled TCP path holds them: setting it false delivers them.
   * A connection that closes meanwhile takes its held bytes with it.
   */
  silent: boolean
  /** Bytes held now by the silent path, both ways. */
  readonly held: number
  /** Sends a TCP RST on every current connection, both sides. */
  reset(): void
  close(): Promise<void>
}

/** One direction of a connection: what it held while the path was silent, and whether its sender closed. */
interface Direction {
  to: net.Socket
  held: Buffer[]
  /** The sending side closed while silent: the close, like the bytes, reaches the other side on heal. */
  closed: boolean
}

interface Pair {
  client: net.Socket
  upstream: net.Socket
  up: Direction
  down: Direction
}

const ignore = () => {}

/** Delivers what a direction held, in order, then the close that came after it. */
const release = (direction: Direction) => {
  for (const chunk of direction.held) direction.to.write(chunk)
  direction.held = []
  if (direction.closed) direction.to.end(() => direction.to.destroy())
}

/** @internal */
export async function createProxy(): Promise<Proxy> {
  const pairs = new Set<Pair>()
  let target: number | undefined
  let silent = false
  const forward = (direction: Direction) => (data: Buffer) => {
    if (silent) direction.held.push(data)
    else direction.to.write(data)
  }
  const server = net.createServer((client) => {
    client.on('error', ignore)
    if (target === undefined) return void client.resetAndDestroy()
    const upstream = net.connect(target, '127.0.0.1')
    upstream.on('error', ignore)
    const pair: Pair = { client, upstream, up: { to: upstream, held: [], closed: false }, down: { to: client, held: [], closed: false } }
    pairs.add(pair)
    // Both sides keep reading while silent, so the writers' buffers do not fill up and give it away.
    client.on('data', forward(pair.up))
    upstream.on('data', forward(pair.down))
    // A close crosses a silent path no more than bytes do: it is held too.
    const closed = (direction: Direction) => () => {
      if (silent) direction.closed = true
      else direction.to.destroy()
    }
    client.on('close', closed(pair.up))
    upstream.on('close', closed(pair.down))
    const gone = () => {
      if (client.destroyed && upstream.destroyed) pairs.delete(pair)
    }
    client.on('close', gone)
    upstream.on('close', gone)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const { port } = server.address() as net.AddressInfo
  return {
    port,
    get open() {
      return pairs.size
    },
    get target() {
      return target
    },
    set target(next) {
      target = next
    },
    get silent() {
      return silent
    },
    get held() {
      let bytes = 0
      for (const { up, down } of pairs) {
        for (const chunk of [...up.held, ...down.held]) bytes += chunk.length
      }
      return bytes
    },
    set silent(next) {
      silent = next
      if (silent) return
      for (const pair of pairs) {
        release(pair.up)
        release(pair.down)
      }
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
  }
}
