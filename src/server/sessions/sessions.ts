/**
 * The sessions of one server (docs/protocol.md, "Sessions"): the
 * `rpc.session` handshake (new or resume), expiry of sessions without a
 * socket, ending a session, and handing sessions to the store on a graceful
 * shutdown. Live sessions are kept here, in process; the store holds the
 * ones no server is serving.
 * @module
 */
import { RpcError } from '../../errors'
import type { Message } from '../../protocol/protocol'
import type { Codes } from '../messages/codes'
import type { Outcome } from '../messages/inbound'
import type { Link } from '../connection/connection'
import type { Peer } from '../connection/client'
import { createSession, type Session } from './session'
import { backgroundTimeout, type Clock } from '../clock'
import type { ResolvedSessions } from '../options'
import type { SessionState } from './store'
import { isCount, isRecord } from '../values'

/** What the sessions need from their server. @internal */
export interface SessionsOptions<Auth> extends ResolvedSessions {
  /** The flow-control limits, told to the client in the handshake answer. */
  limits: { maxInFlight: number; maxQueued: number }
  ackMethod: string
  codes: Codes
  encode(message: Message): string
  /** A context for a session restored from the store, on `link`. */
  restore(link: Link<Auth>, id: string): Peer<Auth>
  /** A context began in this process (restored from the store): server.clients, then onConnect. */
  began(peer: Peer<Auth>): void
  /** A session context got a socket back: onResume, once the replay is written. */
  resumed(peer: Peer<Auth>): void
  /** A context ended for good: onDisconnect. */
  ended(peer: Peer<Auth>, code: number, reason: string): void
  report(err: unknown): void
  clock: Clock
}

/** @internal */
export interface Sessions<Auth> {
  /** Decide an `rpc.session` request on `link` (its own peer is the one made at the upgrade). */
  handshake(link: Link<Auth>, params: unknown): Promise<() => Outcome>
  /** A session's socket closed: it waits `ttl` for its client. */
  dropped(peer: Peer<Auth>, code: number, reason: string): void
  /** End a session now, closing its socket with `code` (ctx.close, buffer overflow). */
  end(peer: Peer<Auth>, code: number, reason: string): void
  /** Graceful shutdown: acknowledge on its socket, save to the store, close with 1012. */
  handOff(peer: Peer<Auth>): Promise<void>
  /** Every session this server serves, with or without a socket. */
  readonly live: Iterable<Peer<Auth>>
}

/**
 * True when a client that received `received` of a session's frames can continue it: the server
 * still holds every frame after that, and never sent fewer. `null` (a new page) always can.
 */
const continuable = (session: { sent: number; buffered: number }, received: number | null) =>
  received === null || (received >= session.sent - session.buffered && received <= session.sent)

/** @internal */
export function createSessions<Auth>(options: SessionsOptions<Auth>): Sessions<Auth> {
  const { clock } = options
  const now = () => clock.now()
  const live = new Map<string, Peer<Auth>>()
  // Sessions being saved by close(): each is saved once, and every caller waits for that save.
  const leaving = new Map<Peer<Auth>, Promise<void>>()
  // Sessions without a socket: when they expire, and the timer that ends them.
  const waiting = new Map<Peer<Auth>, { expires: number; timer: unknown }>()

  const sendAck = (peer: Peer<Auth>, received: number) => {
    if (!peer.link) return false
    peer.link.send(options.encode({ type: 'notification', method: options.ackMethod, params: { received } }))
    return true
  }

  const startSession = (peer: Peer<Auth>, state?: SessionState): Session => {
    // Write-through stores keep the live session up to date, so it survives this process.
    const journal = options.store.journal?.(state ?? { id: peer.ctx.id, received: 0, sent: 0, frames: [], expires: now() + options.ttl })
    const lost = (err: unknown) => {
      if (peer.ended) return
      // Taken over by another process is the normal end of a session whose client moved; anything else is news.
      if (!(err instanceof Error && err.message.includes('LIFELINE_TAKEN'))) options.report(err)
      // The store keeps it: the client resumes it here or on another process.
      finish(peer, 1012, 'Service restart', false)
    }
    const session = createSession(peer.ctx.id, { ...options, sendAck: (received) => sendAck(peer, received), journal, lost }, state)
    peer.session = session
    live.set(peer.ctx.id, peer)
    return session
  }

  const stopWaiting = (peer: Peer<Auth>) => {
    const entry = waiting.get(peer)
    if (entry) clock.clearTimeout(entry.timer)
    waiting.delete(peer)
  }

  /**
   * Forget a session here and tell the app; its socket, if any, is closed with `code`. `forget`: the
   * store's journal forgets it too (false when it was handed over, or the store keeps it for a resume).
   */
  const finish = (peer: Peer<Auth>, code: number, reason: string, forget = true) => {
    if (peer.ended) return
    stopWaiting(peer)
    live.delete(peer.ctx.id)
    peer.session?.end(forget)
    const link = peer.link
    // What this session ran is acknowledged before it goes (if not already), so the client never writes it to the next one.
    if (link) peer.session?.ackNow()
    peer.end()
    if (link) {
      link.peer = undefined
      link.close(code, reason)
    }
    options.ended(peer, code, reason)
  }

  function parse(params: unknown): { id: string | null; received: number | null } {
    const id = isRecord(params) ? params.id : undefined
    const received = isRecord(params) ? params.received : undefined
    if ((id !== null && typeof id != 'string') || (received !== null && !isCount(received))) {
      throw new RpcError(options.codes.invalidParams, 'Invalid params: rpc.session takes { id: string | null, received: integer >= 0 | null }')
    }
    return { id, received }
  }

  /** `link` (whose own context is `own`) takes over the session `found`; returns the frames to replay. */
  function resume(found: Peer<Auth>, own: Peer<Auth>, link: Link<Auth>, received: number | null): string[] {
    const session = found.session!
    const old = found.link
    if (old) {
      // Half-open: the server had not noticed the old socket die. Nothing it still sends counts.
      found.detach()
      old.peer = undefined
      old.socket.terminate()
    }
    stopWaiting(found)
    // The socket's own context, made at the upgrade, was never more than a round trip old.
    own.end()
    options.ended(own, 1000, 'Session resumed')
    found.attach(link)
    session.acked()
    if (received === null) {
      // A new page: what was buffered for the old one, and its answers to our calls, died with it.
      found.restart()
      return []
    }
    session.acknowledge(received)
    return session.after(received) ?? []
  }

  async function save(peer: Peer<Auth>, session: Session) {
    // Tells the client to let go of everything this server received (and ran).
    sendAck(peer, session.received)
    session.acked()
    const expires = waiting.get(peer)?.expires ?? now() + options.ttl
    try {
      await options.store.save(session.state(expires))
    } catch (err) {
      options.report(err)
    }
    finish(peer, 1012, 'Service restart', false)
    leaving.delete(peer)
  }

  return {
    async handshake(link, params) {
      const { id, received } = parse(params)
      let state: SessionState | undefined
      const here = id === null ? undefined : live.get(id)
      // Write-through: a session served here may have moved to another process since (its client came back here).
      const owned = here?.session!.owned()
      const stale = owned !== undefined && !(await owned) ? here : undefined
      if (id !== null && (!here || stale)) state = await options.store.take(id)
      return () => {
        if (stale) finish(stale, 1012, 'Session moved', false)
        const own = link.peer!
        let found = id === null ? undefined : live.get(id)
        // The client claims frames the session never sent, or lost ones the server no longer holds: start over.
        if (found && !continuable({ sent: found.session!.sent, buffered: found.session!.buffered }, received)) {
          finish(found, 1013, 'Session lost')
          found = undefined
        }
        if (!found && state && continuable({ sent: state.sent, buffered: state.frames.length }, received)) {
          found = options.restore(link, state.id)
          startSession(found, state)
          options.began(found)
        }
        if (found) {
          const replay = resume(found, own, link, received)
          options.resumed(found)
          return { result: { id: found.ctx.id, resumed: true, received: found.session!.received, limits: options.limits }, after: replay }
        }
        startSession(own)
        return { result: { id: own.ctx.id, resumed: false, received: 0, limits: options.limits } }
      }
    },
    dropped(peer, code, reason) {
      peer.detach()
      const timer = backgroundTimeout(clock, () => finish(peer, code, reason), options.ttl)
      waiting.set(peer, { expires: now() + options.ttl, timer })
    },
    end: (peer, code, reason) => finish(peer, code, reason),
    handOff(peer) {
      const session = peer.session
      if (!session || peer.ended) return Promise.resolve()
      const saving = leaving.get(peer) ?? save(peer, session)
      leaving.set(peer, saving)
      return saving
    },
    get live() {
      return live.values()
    },
  }
}
