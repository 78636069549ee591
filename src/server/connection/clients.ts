/**
 * Every client of one server: the sockets (links), the contexts (peers) and
 * their sessions, `server.clients`, the connection hooks, broadcast, and
 * letting each client go on shutdown. Hook semantics are in docs/server.md
 * ("Connection hooks").
 * @module
 */
import type { IncomingMessage } from 'node:http'
import type { WebSocket } from 'ws'
import type { Message } from '../../protocol/protocol'
import { createDispatch, type DispatchOptions } from '../messages/inbound'
import { createLink, type Link } from './connection'
import type { ResolvedServerOptions } from '../options'
import { createPeer, type Peer, type PeerOptions } from './client'
import { createSessions } from '../sessions/sessions'
import type { Topics } from '../topics/topics'
import type { Context, ServerStats } from '../types'

/** @internal */
export interface Clients<Auth> {
  /** Every live context by id: plain clients (while their socket is open) and sessions (until they end). */
  readonly byId: ReadonlyMap<string, Context<Auth>>
  /** Accepted sockets, for the heartbeat. */
  readonly links: ReadonlySet<Link<Auth>>
  accept(socket: WebSocket, request: IncomingMessage, auth: Auth): void
  broadcast(event: string, params: unknown): void
  /**
   * Shutdown: let each client go once its work is done (`force`: now): a session is acknowledged,
   * saved to the store and closed with 1012; a plain client is closed with 1012.
   */
  release(force: boolean): Promise<void>
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
  const { hooks, limits } = resolved
  const encode = (message: Message | readonly Message[]) => resolved.protocol.encode(message)
  const links = new Set<Link<Auth>>()
  const peers = new Set<Peer<Auth>>()
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
  const ended = (peer: Peer<Auth>, code: number, reason: string) => {
    peers.delete(peer)
    if (byId.get(peer.ctx.id) === peer.ctx) byId.delete(peer.ctx.id)
    const onDisconnect = hooks.onDisconnect
    if (onDisconnect) hook((ctx) => onDisconnect(ctx, code, reason), peer.ctx)
  }
  const track = (peer: Peer<Auth>) => {
    peers.add(peer)
    byId.set(peer.ctx.id, peer.ctx)
    return peer
  }

  const sessionLimits = resolved.sessions
  const sessions = sessionLimits
    ? createSessions<Auth>({
        ...sessionLimits,
        limits: { maxInFlight: limits.maxInFlight, maxQueued: limits.maxQueued },
        ackMethod: resolved.names.ack,
        codes: resolved.codes,
        clock: resolved.clock,
        encode,
        restore: (link, id) => track(createPeer(link, peerOptions, id)),
        began: (peer) => afterAnswer(hooks.onConnect, peer.ctx),
        resumed: (peer) => afterAnswer(hooks.onResume, peer.ctx),
        ended,
        report,
      })
    : undefined

  const peerOptions: PeerOptions<Auth> = {
    ...resolved,
    ...limits,
    encode,
    report,
    close(peer, code, reason) {
      if (peer.session && sessions) sessions.end(peer, code, reason)
      else peer.link?.close(code, reason)
    },
    overflow: (peer) => sessions?.end(peer, 1013, 'Session buffer full'),
  }

  const idle = (peer: Peer<Auth>) => {
    if (options.closing() && !peer.work.running && !peer.work.queued) void letGo(peer)
  }
  async function letGo(peer: Peer<Auth>) {
    if (peer.session && sessions) await sessions.handOff(peer)
    else if (peer.link?.open) peer.link.close(1012, 'Service restart')
  }

  const dispatchOptions: DispatchOptions<Auth> = {
    ...resolved,
    ...limits,
    topics,
    stats,
    idle,
    report,
    authorizeSubscribe: hooks.authorizeSubscribe,
    closing: options.closing,
  }
  if (sessions) dispatchOptions.handshake = (link, params) => sessions.handshake(link, params)

  return {
    byId,
    links,
    accept(socket, request, auth) {
      const link = createLink(socket, request, auth, { maxBufferedAmount: limits.maxBufferedAmount, stats })
      const peer = track(createPeer(link, peerOptions))
      // Until its first frame, this socket may be a session's come back: what is broadcast meanwhile
      // reaches that session's buffer and its replay, and must not reach the socket ahead of it.
      if (sessions) peer.undecided()
      links.add(link)
      stats.connections++
      stats.accepted++
      socket.on('message', createDispatch(link, dispatchOptions))
      socket.on('pong', () => {
        link.alive = true
      })
      socket.once('close', (code, reason) => {
        links.delete(link)
        stats.connections--
        topics.drop(link)
        const owner = link.peer
        // A resume took this socket's place, or its session already ended.
        if (!owner || owner.link !== link) return
        if (owner.session && sessions) {
          sessions.dropped(owner, code, String(reason))
          return
        }
        owner.end()
        ended(owner, code, String(reason))
      })
      if (hooks.onConnect) hook(hooks.onConnect, peer.ctx)
    },
    broadcast(event, params) {
      if (resolved.control.has(event)) throw new TypeError(`lifeline-ws/server: ${event} is reserved for the protocol`)
      const frame = encode({ type: 'notification', method: event, params })
      for (const peer of peers) peer.deliver(frame)
    },
    async release(force) {
      const all = [...peers]
      await Promise.all(all.map((peer) => (force ? letGo(peer) : idle(peer))))
    },
  }
}
