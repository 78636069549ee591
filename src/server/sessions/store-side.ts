/**
 * The store's side of the sessions of one server (docs/protocol.md,
 * "Sessions"; docs/scaling.md): a session handed off at a graceful shutdown
 * (released when written through, saved otherwise) or taken back when its
 * client resumes (one take per id, however many handshakes race for it), and
 * the broadcasts that reach the sessions waiting there or on their way back.
 * @module
 */
import type { Client } from '../connection/types'
import type { FrameFor } from '../messages/frames'
import { asNotice } from '../notices'
import type { Session } from './session'
import type { BroadcastStamp, SessionState } from './store'
import { toStored } from './stored-frames'
import type { Sessions, SessionsOptions } from './types'

/** What the store's side needs of the registry (sessions.ts). @internal */
export interface StoreSideParts<Auth> {
  /** When `client`'s session expires: its ttl from when its connection closed, or from now while it has one. */
  expires(client: Client<Auth>): number
  /** End the session here (sessions.ts); `forget`: the store forgets it too. */
  finish(client: Client<Auth>, code: number, reason: string, forget?: boolean): void
}

/** A broadcast heard while a session is being taken from the store, and which one it is. @internal */
export type Caught = { frameFor: FrameFor; stamp: BroadcastStamp | undefined }

/** @internal */
export interface StoreSide<Auth> extends Pick<Sessions<Auth>, 'handOff' | 'broadcast' | 'hadFromStore'> {
  /** Take a session from the store for a handshake; handshakes that race for one id share the take. */
  take(id: string): Promise<SessionState | undefined>
  /** One list per handshake taking its session from the store: the broadcasts made meanwhile go in each. */
  readonly catching: Set<Caught[]>
  /** `client`'s session was taken with `state`: remember the broadcasts the store appended to it. */
  taken(client: Client<Auth>, state: SessionState): void
  /** `client`'s session ended here. */
  ended(client: Client<Auth>): void
}

/** @internal */
export function createStoreSide<Auth>(options: SessionsOptions<Auth>, registry: StoreSideParts<Auth>): StoreSide<Auth> {
  const { sessions: limits } = options
  const { finish } = registry
  // Sessions being saved by close(): each is saved once, and every caller waits for that save.
  const leaving = new Map<Client<Auth>, Promise<void>>()
  // Broadcasts made while a session is being taken from the store: out of the store, not yet here.
  const catching = new Set<Caught[]>()
  // Sessions taken from a store shared by every process: per origin, the last broadcast it appended to
  // them. Another process's copy of one of those may still be on its way here; it is not sent again.
  const appended = new Map<Client<Auth>, Record<string, number>>()

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

  async function save(client: Client<Auth>, session: Session) {
    // What waits for a slot never starts here (at the deadline the queue may not be empty): the client
    // writes it to the next process. What still runs is kept as running: in doubt at the resume.
    client.work.cancel()
    // Tells the client to let go of everything this server finished.
    session.ackToClientNow()
    const expires = registry.expires(client)
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

  function handOff(client: Client<Auth>): Promise<void> {
    const session = client.session
    if (!session || client.ended) return Promise.resolve()
    const saving = leaving.get(client) ?? save(client, session)
    leaving.set(client, saving)
    return saving
  }

  function broadcast(frameFor: FrameFor, toStore: boolean, stamp?: BroadcastStamp): void {
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
  }

  return {
    handOff,
    take,
    catching,
    broadcast,
    hadFromStore,
    taken(client, state) {
      if (state.appended) appended.set(client, { ...state.appended })
    },
    ended(client) {
      appended.delete(client)
    },
  }
}
