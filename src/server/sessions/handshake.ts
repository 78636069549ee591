/**
 * The `rpc.session` handshake (docs/protocol.md, "Sessions"): a new session,
 * or a resume of one live here or taken from the store, with the frames the
 * client lacks to replay. A client that claims what the session cannot
 * continue starts over; a session live here that another process took over
 * since is let go.
 * @module
 */
import { RpcError } from '../../errors'
import type { WireFrame } from '../../protocol/protocol'
import type { Client, Connection } from '../connection/types'
import { isCount, isRecord } from '../../checks'
import type { Caught, StoreSide } from './store-side'
import type { Session } from './session'
import type { SessionState } from './store'
import { storedFramesFit } from './stored-frames'
import type { Sessions, SessionsOptions } from './types'

/** What a handshake needs of the registry (sessions.ts) and of the store's side (store-side.ts). @internal */
export interface HandshakeParts<Auth> extends Pick<StoreSide<Auth>, 'take' | 'catching' | 'taken' | 'hadFromStore'> {
  /** The sessions served in this process, by id. */
  live: ReadonlyMap<string, Client<Auth>>
  /** Give `client` a session: a new one, or the one restored from `state`. */
  startSession(client: Client<Auth>, state?: SessionState): Session
  /** The session has a connection again: it no longer expires. */
  stopWaiting(client: Client<Auth>): void
  /** End the session here (sessions.ts); `forget`: the store forgets it too. */
  finish(client: Client<Auth>, code: number, reason: string, forget?: boolean): void
}

/**
 * True when a client that received `received` of a session's frames can continue it: the server
 * still holds every frame after that, and never sent fewer. `null` (a new page) always can.
 */
const continuable = (session: { sent: number; buffered: number }, received: number | null) =>
  received === null || (received >= session.sent - session.buffered && received <= session.sent)

/** Decides `rpc.session` requests: see {@link Sessions.handshake}. @internal */
export function createHandshake<Auth>(
  options: SessionsOptions<Auth>,
  parts: HandshakeParts<Auth>,
): Sessions<Auth>['handshake'] {
  const { live, startSession, stopWaiting, finish, take, catching, taken, hadFromStore } = parts

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

  return async function handshake(connection, params) {
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
        taken(found, state)
        // What was broadcast between the take and now, after what the store kept (and before the replay is cut),
        // but what the store had already (another process's broadcast, which the broker brought here too).
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
  }
}
