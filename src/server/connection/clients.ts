/**
 * Every client of one server: accepting connections, their clients and
 * sessions, `server.clients`, the connection hooks, broadcast, and letting
 * each client go on shutdown. Hook semantics are in docs/server.md
 * ("Connection hooks"). The parts are made here once, bottom up (clients,
 * sessions, routing, the inbound path), each given what it needs.
 * @module
 */
import type { UpgradeRequest } from '../context'
import { assertEncodable, framesOf } from '../messages/frames'
import { createInbound } from '../messages/inbound'
import { createRouting } from '../messages/routing'
import { createSubscriptions } from '../messages/subscribe'
import type { ResolvedServerOptions } from '../resolved-options'
import { createSessions } from '../sessions/sessions'
import type { Topics } from '../topics/topics'
import type { DeferredRequest, TransportSocket } from '../transport/transport'
import type { Context, ServerStats } from '../types'
import { createClient, type ClientParts } from './client'
import { createConnection, type ConnectionParts } from './connection'
import type { BroadcastStamp } from '../sessions/store'
import type { Client, Connection } from './types'

/** @internal */
export interface Clients<Auth> {
  /** Every live context by id: plain clients (while their connection is open) and sessions (until they end). */
  readonly byId: ReadonlyMap<string, Context<Auth>>
  /** Open connections, for the heartbeat. */
  readonly connections: ReadonlySet<Connection<Auth>>
  /** Serve a socket that passed the door; returns the connection its events go to. */
  accept(socket: TransportSocket, request: UpgradeRequest | DeferredRequest, auth: Auth): Connection<Auth>
  /**
   * Send an event to every client of this process. `origin`: this process called `server.broadcast`
   * (sessions waiting in the store get it too); false for one from another process. `stamp`: which
   * broadcast it is (a session the store already gave it to does not get it again).
   */
  broadcast(event: string, params: unknown, origin: boolean, stamp?: BroadcastStamp): void
  /**
   * Shutdown: let each client go once its work is done (`force`: now): a session is acknowledged,
   * saved to the store and closed with 1012; a plain client is closed with 1012.
   */
  letGoAll(force: boolean): Promise<void>
}

/** What the clients need from their server. @internal */
export interface ClientsOptions<Auth> {
  resolved: ResolvedServerOptions<Auth>
  topics: Topics
  stats: ServerStats
  closing(): boolean
  report(err: unknown, ctx?: Context<Auth>): void
}

/** @internal */
export function createClients<Auth>(options: ClientsOptions<Auth>): Clients<Auth> {
  const { resolved, topics, stats, report } = options
  const { hooks, limits, codes, clock, protocol } = resolved
  const connections = new Set<Connection<Auth>>()
  const clients = new Set<Client<Auth>>()
  const byId = new Map<string, Context<Auth>>()

  const hook = (fn: (ctx: Context<Auth>) => void, ctx: Context<Auth>) => {
    try {
      fn(ctx)
    } catch (err) {
      report(err, ctx)
    }
  }
  // After the handshake answer and its replay are written: a hook's ctx.notify must come after them.
  const afterAnswer = (fn: ((ctx: Context<Auth>) => void) | undefined, ctx: Context<Auth>) => {
    if (fn) queueMicrotask(() => hook(fn, ctx))
  }
  const ended = (client: Client<Auth>, code: number, reason: string) => {
    clients.delete(client)
    if (byId.get(client.ctx.id) === client.ctx) byId.delete(client.ctx.id)
    const onDisconnect = hooks.onDisconnect
    if (onDisconnect) hook((ctx) => onDisconnect(ctx, code, reason), client.ctx)
  }
  const track = (client: Client<Auth>) => {
    clients.add(client)
    byId.set(client.ctx.id, client.ctx)
    return client
  }

  const clientParts: ClientParts<Auth> = {
    codes,
    clock,
    callTimeout: resolved.callTimeout,
    maxInFlight: limits.maxInFlight,
    maxQueued: limits.maxQueued,
    control: resolved.control,
    report,
  }

  const sessions = resolved.sessions
    ? createSessions<Auth>({
        sessions: resolved.sessions,
        // The rate limit too, so that a lifeline client paces what it writes and is never cut off by it.
        limits: {
          maxInFlight: limits.maxInFlight,
          maxQueued: limits.maxQueued,
          ...(limits.rateLimit ? { rateLimit: { rate: limits.rateLimit.rate, burst: limits.rateLimit.burst } } : {}),
        },
        ackMethod: resolved.names.ack,
        codes,
        clock,
        protocol,
        restore: (connection, id) => track(createClient(connection, clientParts, id)),
        began: (client) => afterAnswer(hooks.onConnect, client.ctx),
        resumed: (client) => afterAnswer(hooks.onResume, client.ctx),
        ended,
        report,
        closing: options.closing,
      })
    : undefined

  async function letGo(client: Client<Auth>) {
    if (client.session && sessions) await sessions.handOff(client)
    else if (client.connection?.writable) client.connection.close(1012, 'Service restart')
  }
  const idle = (client: Client<Auth>) => {
    if (options.closing() && !client.busy) void letGo(client)
  }

  const route = createRouting<Auth>({
    protocol,
    codes,
    stats,
    names: resolved.names,
    methods: resolved.methods,
    subscriptions: createSubscriptions({ topics, codes, maxSubscriptions: limits.maxSubscriptions, authorizeSubscribe: hooks.authorizeSubscribe }),
    handshake: sessions?.handshake,
    closing: options.closing,
    report,
  })
  const receive = createInbound<Auth>({
    codes,
    stats,
    control: resolved.control,
    sessionMethod: sessions ? resolved.names.session : undefined,
    ackMethod: resolved.names.ack,
    route,
    closing: options.closing,
    idle,
    report,
  })

  const connectionParts: ConnectionParts<Auth> = {
    protocol,
    dialectsByName: resolved.dialectsByName,
    maxBufferedAmount: limits.maxBufferedAmount,
    rateLimit: limits.rateLimit,
    clock,
    stats,
    receive,
    closed(connection, code, reason) {
      connections.delete(connection)
      stats.connections--
      topics.drop(connection)
      const owner = connection.client
      // A resume took this connection's place, or its session already ended.
      if (!owner || owner.connection !== connection) return
      if (owner.session && sessions) {
        sessions.dropped(owner, code, reason)
        return
      }
      owner.end()
      ended(owner, code, reason)
    },
  }

  return {
    byId,
    connections,
    accept(socket, request, auth) {
      const connection = createConnection(socket, request, auth, connectionParts)
      const client = track(createClient(connection, clientParts))
      // Until its first frame, this connection may be a session's come back: what is broadcast meanwhile
      // reaches that session's buffer and its replay, and must not reach the socket ahead of it.
      if (sessions) client.undecided()
      connections.add(connection)
      stats.connections++
      stats.accepted++
      if (hooks.onConnect) hook(hooks.onConnect, client.ctx)
      return connection
    },
    broadcast(event, params, origin, stamp) {
      if (resolved.control.has(event)) throw new TypeError(`lifeline-ws/server: ${event} is reserved for the protocol`)
      // Encoded once per dialect its clients speak; none may take it (JSON, and bytes): it throws.
      const frameFor = framesOf({ type: 'notification', method: event, params })
      assertEncodable(frameFor, resolved.dialects)
      let refused: Error | undefined
      for (const client of clients) {
        if (stamp && sessions?.hadFromStore(client, stamp)) continue
        const frame = frameFor(client.protocol)
        if (frame instanceof Error) refused ??= frame
        else void client.sendFrame(frame)
      }
      // Some clients' dialect cannot carry it: they miss it, and the app hears of it once.
      if (refused) report(refused)
      sessions?.broadcast(frameFor, origin, stamp)
    },
    async letGoAll(force) {
      const all = [...clients]
      await Promise.all(all.map((client) => (force ? letGo(client) : idle(client))))
    },
  }
}
