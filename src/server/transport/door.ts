/**
 * Limits at the door, against hostile clients that act before a socket
 * exists: a handshake deadline (slowloris: an upgrade request trickled byte
 * by byte, or an `authenticate` that never answers) and a cap on
 * connections per client address. Each is an option with a default far
 * above what an honest client needs (docs/server.md, "Limits" and "Hostile
 * clients"); the per-socket message rate is the connection's
 * (connection/connection.ts).
 * @module
 */
import type { IncomingMessage, Server as HttpServer } from 'node:http'
import type { Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import { backgroundTimeout, type Clock } from '../clock'

const peerAddress = (request: IncomingMessage): string => request.socket.remoteAddress ?? ''

/** What the server needs from its upgrade guard. @internal */
export interface UpgradeGuard {
  /** An upgrade arrived: false when its address already holds `maxConnectionsPerAddress` (answer 429). */
  admit(request: IncomingMessage, socket: Duplex): boolean
  /** The WebSocket handshake completed: the deadline no longer applies. */
  upgraded(socket: Duplex): void
  /** Connections counted now, by address (for tests and stats). */
  readonly addresses: ReadonlyMap<string, number>
  stop(): void
}

/**
 * Count connections per address and put a deadline on every handshake. With an http server of
 * our own (`http`), the deadline starts at the TCP connection, so a request whose headers never
 * finish is cut too; otherwise it starts when the upgrade reaches us (the headers are the
 * owner's server's business: its `headersTimeout`).
 * @internal
 */
export function createUpgradeGuard(
  options: { handshakeTimeout: number; maxConnectionsPerAddress: number; clientAddress(request: IncomingMessage): string },
  http: HttpServer | undefined,
  expired: () => void,
  clock: Clock,
): UpgradeGuard {
  const addresses = new Map<string, number>()
  const deadlines = new WeakMap<Duplex, unknown>()
  // The address each admitted socket is counted under, until it closes.
  const counted = new WeakMap<Duplex, string>()

  /** A socket closed: its deadline goes, and its address counts one less. One function for every socket. */
  function closed(this: Duplex) {
    disarm(this)
    const address = counted.get(this)
    if (address === undefined) return
    counted.delete(this)
    const left = (addresses.get(address) ?? 1) - 1
    if (left > 0) addresses.set(address, left)
    else addresses.delete(address)
  }
  const arm = (socket: Duplex) => {
    if (deadlines.has(socket)) return
    // A pending handshake must not keep the process alive on its own.
    const timer = backgroundTimeout(clock, () => {
      deadlines.delete(socket)
      if (socket.destroyed) return
      expired()
      socket.destroy()
    }, options.handshakeTimeout)
    deadlines.set(socket, timer)
    // Every socket is armed before it is admitted, so this one listener serves both. on(), not once():
    // 'close' comes once, and a once() wrapper costs every idle connection a bound function and its state.
    socket.on('close', closed)
  }
  const disarm = (socket: Duplex) => {
    const timer = deadlines.get(socket)
    if (timer === undefined) return
    clock.clearTimeout(timer)
    deadlines.delete(socket)
  }
  const onConnection = (socket: Socket) => arm(socket)
  http?.on('connection', onConnection)

  return {
    addresses,
    admit(request, socket) {
      arm(socket)
      let address: string
      try {
        address = String(options.clientAddress(request))
      } catch {
        address = peerAddress(request)
      }
      const count = addresses.get(address) ?? 0
      if (count >= options.maxConnectionsPerAddress) return false
      addresses.set(address, count + 1)
      counted.set(socket, address)
      return true
    },
    upgraded: disarm,
    stop() {
      http?.off('connection', onConnection)
    },
  }
}
