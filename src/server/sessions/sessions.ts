/**
 * The sessions of one server (docs/protocol.md, "Sessions"): the
 * `rpc.session` handshake (new or resume), expiry of sessions without a
 * connection, ending a session, and handing sessions to the store on a
 * graceful shutdown. Live sessions are kept here, in process; the store
 * holds the ones no server is serving.
 * @module
 */
import { RpcError } from '../../errors'
import type { Protocol, WireFrame } from '../../protocol/protocol'
import type { FrameFor } from '../messages/frames'
import { backgroundTimeout, type Clock } from '../clock'
import type { Client, Connection } from '../connection/types'
import type { Granted } from '../messages/answers'
import type { Codes } from '../messages/codes'
import { asNotice } from '../notices'
import type { ResolvedSessions } from '../resolved-options'
import { isCount, isRecord } from '../../checks'
import { createSession, type Session, type SessionParts } from './session'
import { storedFramesFit, toStored } from './stored-frames'
import { SessionTakenError, type BroadcastStamp, type SessionState } from './store'

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

/** A broadcast heard while a session is being taken from the store, and which one it is. */
type Caught = { frameFor: FrameFor; stamp: BroadcastStamp | undefined }

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

/**
 * True when a client that received `received` of a session's frames can continue it: the server
 * still holds every frame after that, and never sent fewer. `null` (a new page) always can.
 */
const continuable = (session: { sent: number; buffered: number }, received: number | null) =>
  received === null || (received >= session.sent - session.buffered && received <= session.sent)

/** @internal */
export function createSessions<Auth>(options: SessionsOptions<Auth>): Sessions<Auth> {
  const { clock, sessions: limits } = options
  const now = () => clock.now()
  const live = new Map<string, Client<Auth>>()
  // Sessions being saved by close(): each is saved once, and every caller waits for that save.
  const leaving = new Map<Client<Auth>, Promise<void>>()
  // Sessions without a connection: when they expire, and the timer that ends them.
  const waiting = new Map<Client<Auth>, { expires: number; timer: unknown }>()
  // Broadcasts made while a session is being taken from the store: out of the store, not yet here.
  const catching = new Set<Caught[]>()
  // Sessions taken from a store shared by every process: per origin, the last broadcast it appended to
  // them. Another process's copy of one of those may still be on its way here; it is not sent again.
  const appended = new Map<Client<Auth>, Record<string, number>>()

  const writeAck = (client: Client<Auth>, received: number) => {
    const connection = client.connection
    if (!connection) return false
    connection.write(client.protocol.encode({ type: 'notification', method: options.ackMethod, params: { received } }))
    return true
  }

  // One object for every session of this server: a session points to it and to its client.
  const parts: SessionParts<Client<Auth>> = {
    maxBytes: limits.maxBytes,
    ackDelay: limits.ackDelay,
    clock,
    writeAck,
    lost(client, err) {
      if (client.ended) return
      // Taken over by another process is the normal end of a session whose client moved; anything else is news.
      if (!(err instanceof SessionTakenError)) options.report(asNotice(err))
      // The store keeps it: the client resumes it here or on another process.
      finish(client, 1012, 'Service restart', false)
    },
  }
  // ctx.close and an overflow end the session (its client starts a new one).
  const ender = { finish: (client: Client<Auth>, code: number, reason: string) => finish(client, code, reason) }

  const startSession = (client: Client<Auth>, state?: SessionState): Session => {
    // Write-through stores keep the live session up to date, so it survives this process.
    const journal = limits.store.journal?.(state ?? { id: client.ctx.id, received: 0, sent: 0, frames: [], expires: now() + limits.ttl })
    const session = createSession(client.ctx.id, parts, client, journal, state)
    client.startSession(session, ender)
    live.set(client.ctx.id, client)
    return session
  }

  const stopWaiting = (client: Client<Auth>) => {
    const entry = waiting.get(client)
    if (entry) clock.clearTimeout(entry.timer)
    waiting.delete(client)
  }

  /**
   * Forget a session here and tell the app; its connection, if any, is closed with `code`. `forget`:
   * the store's journal forgets it too (false when it was handed over, or the store keeps it for a resume).
   */
  const finish = (client: Client<Auth>, code: number, reason: string, forget = true) => {
    if (client.ended) return
    stopWaiting(client)
    appended.delete(client)
    live.delete(client.ctx.id)
    client.session?.stopJournal(forget)
    const connection = client.connection
    // What this session ran is acknowledged before it goes (if not already), so the client never writes it to the next one.
    if (connection) client.session?.ackToClientNow()
    client.end()
    if (connection) {
      connection.stopServing()
      connection.close(code, reason)
    }
    options.ended(client, code, reason)
  }

  function parseOrThrow(params: unknown): { id: string | null; received: number | null } {
    const id = isRecord(params) ? params.id : undefined
    const received = isRecord(params) ? params.received : undefined
    if ((id !== null && typeof id != 'string') || (received !== null && !isCount(received))) {
      throw new RpcError(options.codes.invalidParams, 'Invalid params: rpc.session takes { id: string | null, received: integer >= 0 | null }')
    }
    return { id, received }
  }

  /** `connection` (whose own client is `own`) takes over the session of `found`; returns the frames to replay. */
  function resume(found: Client<Auth>, own: Client<Auth>, connection: Connection<Auth>, received: number | null): WireFrame[] {
    const session = found.session!
    const old = found.connection
    if (old) {
      // Half-open: the server had not noticed the old socket die. Nothing it still sends counts.
      found.detach()
      old.stopServing()
      old.terminate()
    }
    stopWaiting(found)
    // The connection's own client, made at the upgrade, was never more than a round trip old.
    own.end()
    options.ended(own, 1000, 'Session resumed')
    found.attach(connection)
    session.ackedToClient()
    if (received === null) {
      // A new page: what was buffered for the old one, and its answers to our calls, died with it.
      found.newPage()
      return []
    }
    session.ackedByClient(received)
    return session.replayAfter(received) ?? []
  }

  async function save(client: Client<Auth>, session: Session) {
    // What waits for a slot never starts here (at the deadline the queue may not be empty): the client
    // writes it to the next process. What still runs is kept as running: in doubt at the resume.
    client.work.cancel()
    // Tells the client to let go of everything this server finished.
    session.ackToClientNow()
    const expires = waiting.get(client)?.expires ?? now() + limits.ttl
    const state = session.state(expires)
    // From the snapshot on, nothing more reaches the client on this connection: a frame it got that the
    // store did not keep would put its count ahead of the session's, and the resume would fail.
    const connection = client.connection
    if (connection) client.detach()
    try {
      // Written through, the store has it all: only released, and not if another process took it meanwhile.
      const handedOver = session.handOver(expires)
      if (handedOver) await handedOver
      // Saved in the tick of the snapshot: a broadcast the store appends after it takes the next position,
      // which no frame of this (detached) connection takes.
      else await limits.store.save(state)
    } catch (err) {
      options.report(asNotice(err))
    }
    finish(client, 1012, 'Service restart', false)
    if (connection) {
      connection.stopServing()
      connection.close(1012, 'Service restart')
    }
    leaving.delete(client)
  }

  // Takes under way, by session id: handshakes that race for one session (its client reconnecting while
  // the store is slow) share one take. Each take makes the taker the owner in the store, so a second one
  // would fence off the session the first restored.
  const taking = new Map<string, Promise<SessionState | undefined>>()
  function take(id: string): Promise<SessionState | undefined> {
    let pending = taking.get(id)
    if (!pending) {
      pending = Promise.resolve(limits.store.take(id)).finally(() => taking.delete(id))
      taking.set(id, pending)
    }
    return pending
  }

  function hadFromStore(client: Client<Auth>, stamp: BroadcastStamp): boolean {
    const marks = appended.get(client)
    const last = marks?.[stamp.origin]
    if (!marks || last === undefined) return false
    if (stamp.n <= last) return true
    // A process's broadcasts arrive in its order: from this one on, none of its was in the store.
    delete marks[stamp.origin]
    if (!Object.keys(marks).length) appended.delete(client)
    return false
  }

  function handOff(client: Client<Auth>): Promise<void> {
    const session = client.session
    if (!session || client.ended) return Promise.resolve()
    const saving = leaving.get(client) ?? save(client, session)
    leaving.set(client, saving)
    return saving
  }

  return {
    async handshake(connection, params) {
      const { id, received } = parseOrThrow(params)
      let state: SessionState | undefined
      const here = id === null ? undefined : live.get(id)
      // Write-through: a session served here may have moved to another process since (its client came back here).
      const owned = here?.session!.owned()
      const stale = owned !== undefined && !(await owned) ? here : undefined
      // Broadcasts from the moment the store lets go of the session until it is live here (the decision
      // below runs a few microtasks after the take, when the frame's answers are written).
      const caught: Caught[] = []
      if (id !== null && (!here || stale)) {
        catching.add(caught)
        try {
          state = await take(id)
        } finally {
          if (!state) catching.delete(caught)
        }
      }
      return () => {
        catching.delete(caught)
        if (stale) finish(stale, 1012, 'Session moved', false)
        const own = connection.client!
        let found = id === null ? undefined : live.get(id)
        // The client claims frames the session never sent, or lost ones the server no longer holds: start over.
        // So does a client back in another dialect: the frames kept for it are in the old one.
        if (found && (found.protocol !== connection.protocol || !continuable({ sent: found.session!.sent, buffered: found.session!.buffered }, received))) {
          finish(found, 1013, 'Session lost')
          found = undefined
        }
        const fits = state && storedFramesFit(state.frames, connection.protocol)
        if (!found && state && fits && continuable({ sent: state.sent, buffered: state.frames.length }, received)) {
          found = options.restore(connection, state.id)
          startSession(found, state)
          options.began(found)
          if (state.appended) appended.set(found, { ...state.appended })
          // What was broadcast between the take and now, after what the store kept (and before the replay is cut).
          for (const { frameFor, stamp } of caught) {
            if (stamp && hadFromStore(found, stamp)) continue
            const frame = frameFor(found.protocol)
            if (!(frame instanceof Error)) void found.sendFrame(frame)
          }
        }
        if (found) {
          const replay = resume(found, own, connection, received)
          options.resumed(found)
          const result = { id: found.ctx.id, resumed: true, received: found.session!.received, limits: options.limits }
          // Frames a crash or a hand-over left in doubt: the client reports them (docs/protocol.md, "Sessions").
          const unknown = found.session!.doubts
          return { result: unknown.length ? { ...result, unknown } : result, replay }
        }
        startSession(own)
        return { result: { id: own.ctx.id, resumed: false, received: 0, limits: options.limits } }
      }
    },
    dropped(client, code, reason) {
      client.detach()
      const timer = backgroundTimeout(clock, () => finish(client, code, reason), limits.ttl)
      waiting.set(client, { expires: now() + limits.ttl, timer })
      // Its client reconnects to another process already; the session must be in the store by then, so it
      // goes now, without waiting for what still runs (in doubt at the resume).
      if (options.closing()) void handOff(client)
    },
    broadcast(frameFor, toStore, stamp) {
      for (const caught of catching) caught.push({ frameFor, stamp })
      if (!toStore || !limits.store.broadcast) return
      // The store appends one frame to every session it keeps: the first dialect's. A session of another
      // dialect waiting there then holds a frame it cannot replay, and starts over when it resumes
      // (storedFramesFit); per-dialect frames in the store are not done yet.
      const frame = frameFor(options.protocol)
      if (frame instanceof Error) return
      // Now, not a tick later: a take made meanwhile would find the session without this frame, and not catch it.
      // A store that cannot take it is reported; its waiting sessions miss this one broadcast.
      try {
        const appending = limits.store.broadcast(toStored(frame), limits.maxBytes, stamp)
        if (appending) appending.catch((err: unknown) => options.report(asNotice(err)))
      } catch (err) {
        options.report(asNotice(err))
      }
    },
    handOff,
    hadFromStore,
  }
}
