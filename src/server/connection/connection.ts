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
import type { DeferredRequest, TransportSocket } from '../transport/transport'
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

/** A {@link Bucket}: a class, so that a connection that uses its bucket pays two numbers and a pointer, not closures. */
class TokenBucket implements Bucket {
  private tokens: number
  private last: number
  constructor(
    private readonly limit: { rate: number; burst: number },
    private readonly clock: Clock,
  ) {
    this.tokens = limit.burst
    this.last = clock.now()
  }
  take(count: number): boolean {
    const time = this.clock.now()
    this.tokens = Math.min(this.limit.burst, this.tokens + ((time - this.last) * this.limit.rate) / 1000) - count
    this.last = time
    if (this.tokens >= 0) return true
    this.tokens = 0
    return false
  }
}

/** @internal */
export const createBucket = (limit: { rate: number; burst: number }, clock: Clock): Bucket => new TokenBucket(limit, clock)

const noTopics: ReadonlySet<string> = new Set()

/**
 * A {@link Connection}. A class, not an object of closures: an idle connection is one small object
 * whose methods live on the prototype (an object literal with this many methods and getters cost
 * about 1.6 KB in dictionary mode, plus a closure per method). What it does not use yet (frames held
 * in a handshake, topics, the token bucket) is made on first use.
 */
class ServedConnection<Auth> implements Connection<Auth> {
  private served: Client<Auth> | undefined = undefined
  private first = true
  /** Frames that arrived while a handshake was decided; undefined when not holding. */
  private held: WireFrame[] | undefined = undefined
  /** Heard from (a frame or a pong) since the heartbeat's last turn. */
  private heard = true
  /** Went over its rate: what it still sends is not even decoded. */
  private limited = false
  private subscribedTopics: Set<string> | undefined = undefined
  private bucket: Bucket | undefined = undefined

  /** The dialect the handshake's subprotocol picked; the server's first when it named none of them. */
  readonly protocol: Protocol

  constructor(
    private readonly socket: TransportSocket,
    private kept: UpgradeRequest | DeferredRequest,
    readonly auth: Auth,
    private readonly parts: ConnectionParts<Auth>,
  ) {
    this.protocol = parts.dialectsByName.get(socket.protocol ?? '') ?? parts.protocol
  }

  get client(): Client<Auth> | undefined {
    return this.served
  }
  get request(): UpgradeRequest {
    const kept = this.kept
    if (!isDeferred(kept)) return kept
    // Built on first read and kept: ctx.request is the same object every time.
    const request = kept.revive()
    this.kept = request
    return request
  }
  serve(next: Client<Auth>): void {
    this.served = next
  }
  stopServing(): void {
    this.served = undefined
  }
  takeFirstFrame(): boolean {
    const wasFirst = this.first
    this.first = false
    return wasFirst
  }
  hold(): void {
    this.held = []
  }
  keepIfHolding(frame: WireFrame): boolean {
    if (!this.held) return false
    this.held.push(frame)
    return true
  }
  unhold(): WireFrame[] {
    const frames = this.held ?? []
    this.held = undefined
    return frames
  }
  overRate(count: number): boolean {
    if (this.limited) return true
    const { rateLimit } = this.parts
    if (!rateLimit) return false
    this.bucket ??= createBucket(rateLimit, this.parts.clock)
    if (this.bucket.take(count)) return false
    this.limited = true
    this.parts.stats.dropped++
    this.close(RATE_LIMITED, 'Rate limit exceeded')
    return true
  }
  probe(): void {
    const { socket } = this
    // A transport without ping frames keeps its connections alive by itself.
    if (!socket.ping || !socket.open) return
    if (!this.heard) {
      this.parts.stats.dropped++
      socket.terminate()
      return
    }
    this.heard = false
    socket.ping()
  }
  get writable(): boolean {
    return this.socket.open
  }
  write(frame: WireFrame): void {
    const { socket } = this
    if (!socket.open) return
    // A client that stopped reading would make the server buffer without bound; cut it off.
    if (socket.bufferedAmount > this.parts.maxBufferedAmount) {
      this.parts.stats.dropped++
      socket.terminate()
      return
    }
    socket.send(frame)
  }
  close(code: number, reason: string): void {
    this.socket.close(code, closeReason(reason))
  }
  terminate(): void {
    this.socket.terminate()
  }
  get topics(): ReadonlySet<string> {
    return this.subscribedTopics ?? noTopics
  }
  subscribed(topic: string): void {
    this.subscribedTopics ??= new Set()
    this.subscribedTopics.add(topic)
  }
  unsubscribed(topic: string): void {
    this.subscribedTopics?.delete(topic)
  }
  message(frame: WireFrame): void {
    this.heard = true
    this.parts.receive(this, frame)
  }
  pong(): void {
    this.heard = true
  }
  closed(code: number, reason: string): void {
    this.parts.closed(this, code, reason)
  }
}

/** @internal */
function isDeferred(request: UpgradeRequest | DeferredRequest): request is DeferredRequest {
  return typeof (request as Partial<DeferredRequest>).revive === 'function'
}

export function createConnection<Auth>(socket: TransportSocket, request: UpgradeRequest | DeferredRequest, auth: Auth, parts: ConnectionParts<Auth>): Connection<Auth> {
  return new ServedConnection(socket, request, auth, parts)
}
