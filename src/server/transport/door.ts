/**
 * Limits at the door of the Node transport, against hostile clients that act
 * before a socket exists: a handshake deadline (slowloris: an upgrade request
 * trickled byte by byte, or an `authenticate` that never answers) and the
 * cap on connections per client address (addresses.ts). Each is an option
 * with a default far above what an honest client needs (docs/server.md,
 * "Limits" and "Hostile clients"); the per-socket message rate is the
 * connection's (connection/connection.ts).
 * @module
 */
import type { IncomingMessage, Server as HttpServer } from 'node:http'
import type { Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import { backgroundTimeout, type Clock } from '../clock'
import type { UpgradeRequest } from '../context'
import { createAddressCounter } from './addresses'
import { refuse } from './upgrade'

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
 * owner's server's business: its `headersTimeout`). A deadline that passes while `authenticate`
 * runs (the request arrived whole) is answered 503; one that passes on trickling headers cuts.
 * @internal
 */
export function createUpgradeGuard(
  options: { handshakeTimeout: number; maxConnectionsPerAddress: number; clientAddress(request: UpgradeRequest): string },
  http: HttpServer | undefined,
  expired: () => void,
  clock: Clock,
): UpgradeGuard {
  const counter = createAddressCounter(options)
  const deadlines = new WeakMap<Duplex, unknown>()
  // The address each admitted socket is counted under, until it closes.
  const counted = new WeakMap<Duplex, string>()
  // Sockets whose whole upgrade request arrived, until they upgrade: what keeps them now is `authenticate`.
  const arrived = new WeakSet<Duplex>()

  /** A socket closed: its deadline goes, and its address counts one less. One function for every socket. */
  function closed(this: Duplex) {
    disarm(this)
    const address = counted.get(this)
    if (address === undefined) return
    counted.delete(this)
    counter.release(address)
  }
  const arm = (socket: Duplex) => {
    if (deadlines.has(socket)) return
    // A pending handshake must not keep the process alive on its own.
    const timer = backgroundTimeout(clock, () => {
      deadlines.delete(socket)
      if (socket.destroyed) return
      expired()
      if (arrived.has(socket)) refuse(socket, 503)
      else socket.destroy()
    }, options.handshakeTimeout)
    deadlines.set(socket, timer)
    // Every socket is armed before it is admitted, so this one listener serves both. on(), not once():
    // 'close' comes once, and a once() wrapper costs every idle connection a bound function and its state.
    socket.on('close', closed)
  }
  const disarm = (socket: Duplex) => {
    arrived.delete(socket)
    const timer = deadlines.get(socket)
    if (timer === undefined) return
    clock.clearTimeout(timer)
    deadlines.delete(socket)
  }
  const onConnection = (socket: Socket) => arm(socket)
  http?.on('connection', onConnection)

  return {
    addresses: counter.addresses,
    admit(request, socket) {
      arm(socket)
      arrived.add(socket)
      const address = counter.count(request)
      if (address === undefined) return false
      counted.set(socket, address)
      return true
    },
    upgraded: disarm,
    stop() {
      http?.off('connection', onConnection)
    },
  }
}
