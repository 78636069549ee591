/**
 * The sessions of a server as the server sees them (docs/protocol.md,
 * "Sessions"), types only: `Sessions`, what the server calls (sessions.ts
 * makes it), and `SessionsOptions`, what the sessions need from their server.
 * @module
 */
import type { Protocol } from '../../protocol/protocol'
import type { Clock } from '../clock'
import type { Client, Connection } from '../connection/types'
import type { Granted } from '../messages/answers'
import type { Codes } from '../messages/codes'
import type { FrameFor } from '../messages/frames'
import type { ResolvedSessions } from '../resolved-options'
import type { BroadcastStamp } from './store'

/** What the sessions need from their server. @internal */
export interface SessionsOptions<Auth> {
  sessions: ResolvedSessions
  /** The flow-control limits and the rate limit (absent when off), told to the client in the handshake answer. */
  limits: { maxInFlight: number; maxQueued: number; rateLimit?: { rate: number; burst: number } }
  ackMethod: string
  codes: Codes
  clock: Clock
  /** The server's first dialect: a broadcast reaches the sessions waiting in the store in it. */
  protocol: Protocol
  /** A client for a session restored from the store, on `connection`. */
  restore(connection: Connection<Auth>, id: string): Client<Auth>
  /** A client began in this process (restored from the store): server.clients, then onConnect. */
  began(client: Client<Auth>): void
  /** A session client got a connection back: onResume, once the replay is written. */
  resumed(client: Client<Auth>): void
  /** A client ended for good: onDisconnect. */
  ended(client: Client<Auth>, code: number, reason: string): void
  report(err: unknown): void
  /** True once the server's close() began. */
  closing(): boolean
}

/** @internal */
export interface Sessions<Auth> {
  /** Decide an `rpc.session` request on `connection` (its own client is the one made at the upgrade). */
  handshake(connection: Connection<Auth>, params: unknown): Promise<() => Granted>
  /**
   * A session's connection closed: it waits `ttl` for its client. While the server closes, its client
   * is already on its way to another process: the session is handed over at once.
   */
  dropped(client: Client<Auth>, code: number, reason: string): void
  /** Graceful shutdown: acknowledge on its connection, save to the store, close with 1012. */
  handOff(client: Client<Auth>): Promise<void>
  /**
   * A broadcast's frame, sent to every client of this process already: to the sessions waiting in
   * the store too when `toStore` (the process that broadcast), and to those being taken from it.
   */
  broadcast(frameFor: FrameFor, toStore: boolean, stamp?: BroadcastStamp): void
  /** True when the store gave `client`'s session this broadcast already, among the frames it was taken with. */
  hadFromStore(client: Client<Auth>, stamp: BroadcastStamp): boolean
}
