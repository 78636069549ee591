/**
 * The chaos suite's TCP proxy on 127.0.0.1, between the clients and the
 * server: a copy of test/helpers/fault-proxy.ts extended with added latency
 * and jitter, throttled bandwidth, a movable upstream (a killed server comes
 * back on another port) and a log of accepted connections (for the
 * reconnect-storm check). The network conditions apply to every connection,
 * current and new, both directions, and keep each direction's byte order.
 */
import net from 'node:net'
import type { Random } from './prng'

/**
 * How new connections are treated:
 * - `pass`: forwarded both ways.
 * - `blackhole`: accepted and connected upstream, nothing forwarded (a dead NAT path).
 * - `refuse`: reset at accept (a server that is down).
 * - `stall`: accepted, bytes swallowed, no upstream (the handshake never completes).
 */
export type Mode = 'pass' | 'blackhole' | 'refuse' | 'stall'

/** Added delay per chunk (`latency` plus up to `jitter` ms) and a bandwidth cap in bytes per second (0: none). */
export interface Conditions {
  latency: number
  jitter: number
  bandwidth: number
}

export interface ChaosProxy {
  readonly port: number
  url(path?: string): string
  /** Times (ms since the epoch) at which client connections were accepted. */
  readonly accepts: readonly number[]
  readonly open: number
  /** Treatment of new connections; `blackhole` also silences the current ones, `pass` un-silences them. */
  set(mode: Mode): void
  conditions(next: Partial<Conditions>): void
  /** Where new connections go. */
  target(port: number): void
  /** Sends a TCP RST on every current connection, both sides. */
  reset(): void
  close(): Promise<void>
}

/** One direction of one connection: chunks wait here until their delivery time, in order. */
interface Lane {
  queue: { at: number; data: Buffer }[]
  timer: ReturnType<typeof setTimeout> | undefined
  /** Delivery time of the last chunk queued, so that later chunks never overtake it. */
  last: number
}

interface Pair {
  client: net.Socket
  upstream?: net.Socket
  silent: boolean
  up: Lane
  down: Lane
}

const ignore = () => {}
const lane = (): Lane => ({ queue: [], timer: undefined, last: 0 })

export async function createChaosProxy(initialTarget: number, random: Random): Promise<ChaosProxy> {
  let mode: Mode = 'pass'
  let targetPort = initialTarget
  const accepts: number[] = []
  const pairs = new Set<Pair>()
  const current: Conditions = { latency: 0, jitter: 0, bandwidth: 0 }

  const pump = (path: Lane, to: () => net.Socket | undefined) => {
    path.timer = undefined
    const now = Date.now()
    while (path.queue.length && path.queue[0]!.at <= now) {
      const chunk = path.queue.shift()!
      const socket = to()
      if (socket && !socket.destroyed) socket.write(chunk.data)
    }
    if (path.queue.length) path.timer = setTimeout(() => pump(path, to), path.queue[0]!.at - now)
  }
  const forward = (pair: Pair, path: Lane, data: Buffer, to: () => net.Socket | undefined) => {
    if (pair.silent) return
    const plain = !current.latency && !current.jitter && !current.bandwidth && !path.queue.length
    if (plain) {
      to()?.write(data)
      return
    }
    const now = Date.now()
    const delay = current.latency + random() * current.jitter
    const transfer = current.bandwidth ? (data.length * 1000) / current.bandwidth : 0
    const at = Math.max(now + delay, path.last) + transfer
    path.last = at
    path.queue.push({ at, data })
    if (!path.timer) path.timer = setTimeout(() => pump(path, to), at - now)
  }
  const stopLanes = (pair: Pair) => {
    for (const path of [pair.up, pair.down]) {
      if (path.timer) clearTimeout(path.timer)
      path.timer = undefined
      path.queue.length = 0
    }
  }

  const server = net.createServer((client) => {
    accepts.push(Date.now())
    client.on('error', ignore)
    if (mode === 'refuse') return void client.resetAndDestroy()
    const pair: Pair = { client, silent: mode !== 'pass', up: lane(), down: lane() }
    pairs.add(pair)
    client.on('close', () => {
      pairs.delete(pair)
      stopLanes(pair)
      pair.upstream?.destroy()
    })
    // Reading keeps the client's writes flowing into nowhere instead of backing up.
    client.on('data', (data) => forward(pair, pair.up, data, () => pair.upstream))
    if (mode === 'stall') return
    const upstream = net.connect(targetPort, '127.0.0.1')
    pair.upstream = upstream
    upstream.on('error', ignore)
    upstream.on('data', (data) => forward(pair, pair.down, data, () => client))
    upstream.on('close', () => client.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as net.AddressInfo).port
  return {
    port,
    url: (path = '/') => `ws://127.0.0.1:${port}${path}`,
    accepts,
    get open() {
      return pairs.size
    },
    set(next) {
      mode = next
      if (next === 'blackhole') for (const pair of pairs) pair.silent = true
    },
    conditions(next) {
      Object.assign(current, next)
    },
    target(next) {
      targetPort = next
    },
    reset() {
      for (const pair of pairs) {
        stopLanes(pair)
        pair.client.resetAndDestroy()
        pair.upstream?.resetAndDestroy()
      }
    },
    async close() {
      for (const pair of pairs) {
        stopLanes(pair)
        pair.client.destroy()
        pair.upstream?.destroy()
      }
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
