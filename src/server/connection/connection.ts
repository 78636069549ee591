/**
 * One accepted socket (a {@link Connection}): the client it serves, which
 * its first frame decides (its own, or a resumed session's); the frames it
 * holds while a handshake is decided; its topic subscriptions (topics resume
 * by their own cursors, so they belong to the socket, not the session); its
 * liveness for the heartbeat; and what it may cost: a rate limit on inbound
 * messages and a cap on what may pile up for a slow reader. What a
 * connection that never subscribes or floods does not use (its topic set,
 * its token bucket) is made on first use.
 * @module
 */
import type { Protocol, WireFrame } from '../../protocol/protocol'
import type { Clock } from '../clock'
import type { UpgradeRequest } from '../context'
import type { TransportSocket } from '../transport/transport'
import type { ServerStats } from '../types'
import { closeReason } from '../values'
import type { Client, Connection } from './types'

/** The code a socket that goes over `rateLimit` is closed with: 1008, policy violation. @internal */
export const RATE_LIMITED = 1008

/** What every connection of one server shares: its limits, its counters, and where its events go. @internal */
export interface ConnectionParts<Auth> {
  maxBufferedAmount: number
  rateLimit: { rate: number; burst: number } | false
  clock: Clock
  stats: ServerStats
  /** The default dialect, and every dialect by its subprotocol: the socket's picks the connection's. */
  protocol: Protocol
  dialectsByName: ReadonlyMap<string, Protocol>
  /** An inbound frame, in order (messages/inbound.ts). */
  receive(connection: Connection<Auth>, frame: WireFrame): void
  /** The socket closed (connection/clients.ts). */
  closed(connection: Connection<Auth>, code: number, reason: string): void
}

/** A token bucket: `burst` tokens, refilled continuously at `rate` per second. @internal */
export interface Bucket {
  /** Take `count` tokens; false when there were not enough (the bucket is then empty). */
  take(count: number): boolean
}

/** @internal */
export function createBucket(limit: { rate: number; burst: number }, clock: Clock): Bucket {
  let tokens = limit.burst
  let last = clock.now()
  return {
    take(count) {
      const time = clock.now()
      tokens = Math.min(limit.burst, tokens + ((time - last) * limit.rate) / 1000)
      last = time
      tokens -= count
      if (tokens >= 0) return true
      tokens = 0
      return false
    },
  }
}

const noTopics: ReadonlySet<string> = new Set()

/** @internal */
export function createConnection<Auth>(socket: TransportSocket, request: UpgradeRequest, auth: Auth, parts: ConnectionParts<Auth>): Connection<Auth> {
  let client: Client<Auth> | undefined
  let first = true
  // Frames that arrived while a handshake was decided; undefined when not holding.
  let held: WireFrame[] | undefined
  // Heard from (a frame or a pong) since the heartbeat's last turn.
  let heard = true
  let topics: Set<string> | undefined
  let bucket: Bucket | undefined
  // Went over its rate: what it still sends is not even decoded.
  let limited = false

  const connection: Connection<Auth> = {
    request,
    auth,
    protocol: parts.dialectsByName.get(socket.protocol ?? '') ?? parts.protocol,
    get client() {
      return client
    },
    serve(next) {
      client = next
    },
    stopServing() {
      client = undefined
    },
    takeFirstFrame() {
      const wasFirst = first
      first = false
      return wasFirst
    },
    hold() {
      held = []
    },
    keepIfHolding(frame) {
      if (!held) return false
      held.push(frame)
      return true
    },
    unhold() {
      const frames = held ?? []
      held = undefined
      return frames
    },
    overRate(count) {
      if (limited) return true
      if (!parts.rateLimit) return false
      bucket ??= createBucket(parts.rateLimit, parts.clock)
      if (bucket.take(count)) return false
      limited = true
      parts.stats.dropped++
      connection.close(RATE_LIMITED, 'Rate limit exceeded')
      return true
    },
    probe() {
      // A transport without ping frames keeps its connections alive by itself.
      if (!socket.ping || !socket.open) return
      if (!heard) {
        parts.stats.dropped++
        socket.terminate()
        return
      }
      heard = false
      socket.ping()
    },
    get writable() {
      return socket.open
    },
    write(frame) {
      if (!socket.open) return
      // A client that stopped reading would make the server buffer without bound; cut it off.
      if (socket.bufferedAmount > parts.maxBufferedAmount) {
        parts.stats.dropped++
        socket.terminate()
        return
      }
      socket.send(frame)
    },
    close(code, reason) {
      socket.close(code, closeReason(reason))
    },
    terminate() {
      socket.terminate()
    },
    get topics() {
      return topics ?? noTopics
    },
    subscribed(topic) {
      topics ??= new Set()
      topics.add(topic)
    },
    unsubscribed(topic) {
      topics?.delete(topic)
    },
    message(frame) {
      heard = true
      parts.receive(connection, frame)
    },
    pong() {
      heard = true
    },
    closed(code, reason) {
      parts.closed(connection, code, reason)
    },
  }
  return connection
}
