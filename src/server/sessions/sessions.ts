/**
 * The sessions of one server (docs/protocol.md, "Sessions"): the registry
 * of the live ones, kept here, in process; their expiry when they have no
 * connection; ending a session. The handshake (handshake.ts) and the
 * store's side (store-side.ts: hand-off, take, broadcasts) work on it; the
 * store holds the sessions no server is serving.
 * @module
 */
import { backgroundTimeout } from '../clock'
import type { Client } from '../connection/types'
import { asNotice } from '../notices'
import { createHandshake } from './handshake'
import type { Session, SessionParts } from './session'
import { createSession } from './session-book'
import { SessionTakenError, type SessionState } from './store'
import { createStoreSide } from './store-side'
import type { Sessions, SessionsOptions } from './types'

/** @internal */
export function createSessions<Auth>(options: SessionsOptions<Auth>): Sessions<Auth> {
  const { clock, sessions: limits } = options
  const now = () => clock.now()
  const live = new Map<string, Client<Auth>>()
  // Sessions without a connection: when they expire, and the timer that ends them.
  const waiting = new Map<Client<Auth>, { expires: number; timer: unknown }>()

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
    storeSide.ended(client)
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

  const storeSide = createStoreSide(options, {
    expires: (client) => waiting.get(client)?.expires ?? now() + limits.ttl,
    finish,
  })
  const handshake = createHandshake(options, {
    live, startSession, stopWaiting, finish,
    take: storeSide.take, catching: storeSide.catching, taken: storeSide.taken, hadFromStore: storeSide.hadFromStore,
  })

  return {
    handshake,
    dropped(client, code, reason) {
      client.detach()
      const timer = backgroundTimeout(clock, () => finish(client, code, reason), limits.ttl)
      waiting.set(client, { expires: now() + limits.ttl, timer })
      // Its client reconnects to another process already; the session must be in the store by then, so it
      // goes now, without waiting for what still runs (in doubt at the resume).
      if (options.closing()) void storeSide.handOff(client)
    },
    broadcast: storeSide.broadcast,
    handOff: storeSide.handOff,
    hadFromStore: storeSide.hadFromStore,
  }
}
