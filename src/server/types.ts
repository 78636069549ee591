/**
 * Public types of `lifeline-ws/server`: the server object and its counters. The options live in
 * server-options.ts and the handler context in context.ts; they are re-exported here, so one import
 * gives every public server type.
 * @module
 */
import type { IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import type { Contract, EventName, TopicName } from '../protocol/contract'
import type { ClusterCounts } from './topics/broker/broker'
import type { Context } from './context'
import type { EventArgs, TopicArgs } from './contract'

export type { CallOptions, Context, MethodHandler, MethodMessage, ServerMethod, ServerMethods, UpgradeRequest } from './context'
export type { ServerSessionOptions, ServerHeartbeatOptions, ListenOptions, ServerOptions, ServerBehaviour, MethodsOption } from './options'

/** Counters, readable at any time from `server.stats`. */
export interface ServerStats {
  /** Clients connected now. */
  connections: number
  /** Connections accepted since start. */
  accepted: number
  /** Upgrades refused: origin, authentication, or the server was closing. */
  rejected: number
  /** Requests and notifications dispatched to a method or to subscribe. */
  calls: number
  /** Error answers sent (not counting malformed frames). */
  errors: number
  /** Clients the server cut off: missed heartbeats or too slow to read. */
  dropped: number
  /** Frames that could not be decoded (answered with -32700 or -32600), or broke the WebSocket protocol. */
  malformed: number
}

/**
 * The object {@link createServer} returns.
 * @typeParam Auth - what `authenticate` returns (`ctx.auth`).
 * @typeParam Published - what `publish` returns: a number, or a promise of it with an asynchronous broker.
 * @typeParam C - the contract (`createServer<C>`): it types `publish`, `broadcast` and the contexts in `clients`.
 * @example
 * const server = createServer({ port: 8080 })
 * await server.ready
 * server.publish('prices', { btc: 97000 })
 * console.log(server.stats.connections)
 * process.on('SIGTERM', () => server.close())
 */
export interface Server<Auth = unknown, Published extends number | Promise<number> = number, C extends Contract = Contract> {
  /** Resolves once listening (`port` and `server` modes; at once with `noServer`); rejects if listening fails. */
  readonly ready: Promise<void>
  /** The port listened on, once listening. */
  readonly port: number | undefined
  /** The listening address (`net.Server#address()`), or null. */
  address(): AddressInfo | string | null
  /**
   * Every client by `ctx.id`: a plain client while its socket is open; a session until it ends,
   * also while its client is away (`ctx.notify` then keeps the event for its return).
   */
  readonly clients: ReadonlyMap<string, Context<Auth, C>>
  /** A snapshot of the counters. */
  readonly stats: ServerStats
  /**
   * Send `data` to every subscriber of `topic` and keep it in the topic's history.
   * Returns its sequence number (a promise of it with an asynchronous broker such as Redis, which
   * rejects when the broker cannot be reached). Throws when `data` cannot be encoded. With a
   * contract, `topic` is one of its `topics` and `data` that topic's message.
   * @example
   * server.publish('room:lobby', { from: 'ada', text: 'hi' })
   */
  publish<K extends TopicName<C>>(topic: K, ...data: TopicArgs<C, K>): Published
  /**
   * Send an event (a notification) to every client, including sessions waiting for their client
   * to resume. With a contract, `event` is one of its `events` and `params` its payload.
   * @example
   * server.broadcast('maintenance', { at: '22:00' })
   */
  broadcast<K extends EventName<C>>(event: K, ...params: EventArgs<C, K>): void
  /**
   * Hand over an HTTP upgrade (for `noServer`). Returns false, leaving the socket alone, when
   * the path does not match; otherwise the server owns the socket.
   */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean
  /**
   * Stop accepting, let running and queued requests finish (up to `shutdownTimeout`), then close
   * every client with 1012 (service restart) so it reconnects. A session's socket first gets an
   * `rpc.ack` of everything the server received, and the session is saved to `sessions.store`,
   * where a server sharing the store resumes it. Idempotent.
   */
  close(): Promise<void>
  /**
   * Counts over every process sharing the broker: processes, connections, clients and
   * subscribers per topic. With the in-memory broker, this process's counts. With Redis, each
   * process's share is refreshed every few seconds (`redisBroker`'s `reportInterval`).
   * @example
   * const { processes, connections, topics } = await server.cluster()
   */
  cluster(): Promise<ClusterCounts>
}
