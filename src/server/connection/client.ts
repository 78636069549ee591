/**
 * One client as the application sees it (a {@link Client}): its context
 * (`ctx`), its work queue, the calls the server made to it, and, once it
 * opened a session, the session that carries every tracked frame across
 * connections. A plain client lives as long as its connection; a session
 * client outlives its connections. Its work queue and its outgoing calls
 * are made on first use.
 * @module
 */
import { randomUUID } from 'node:crypto'
import type { Message, WireFrame } from '../../protocol/protocol'
import type { Clock } from '../clock'
import type { Codes } from '../messages/codes'
import { createWorkQueue, type WorkQueue } from '../messages/work'
import type { Session } from '../sessions/session'
import type { Context } from '../types'
import { clientGone, createOutgoingCalls, type OutgoingCalls } from './calls'
import type { Client, Connection } from './types'

/** What every client of one server shares. @internal */
export interface ClientParts<Auth> {
  codes: Codes
  clock: Clock
  callTimeout: number
  maxInFlight: number
  maxQueued: number
  /** Method names the session convention treats as control: events and calls may not use them. */
  control: ReadonlySet<string>
  report(err: unknown, ctx?: Context<Auth>): void
}

const noTopics: ReadonlySet<string> = new Set()

/**
 * A client first seen on `connection`, served on it at once. Its id is random; a session started
 * from it keeps that id. `restored`: the id of a session taken from the store, which the caller
 * attaches to `connection` itself once the handshake is decided.
 * @internal
 */
export function createClient<Auth>(connection: Connection<Auth>, parts: ClientParts<Auth>, restored?: string): Client<Auth> {
  const id = restored ?? randomUUID()
  // The dialect of the connection it was first seen on: a session keeps it (sessions.ts).
  const protocol = connection.protocol
  const encode = (message: Message | readonly Message[]) => protocol.encode(message)
  let calls: OutgoingCalls | undefined
  let work: WorkQueue | undefined
  let current: Connection<Auth> | undefined
  // The latest connection, even once it closed: ctx.auth and ctx.request stay readable.
  let latest = connection
  let session: Session | undefined
  let endSession: ((code: number, reason: string) => void) | undefined
  let ended = false
  // Frames sent before the connection's first frame said whether it resumes a session.
  let early: WireFrame[] | undefined

  const assertNotReserved = (name: string) => {
    if (parts.control.has(name)) throw new TypeError(`lifeline-ws/server: ${name} is reserved for the protocol`)
  }

  const encodable = (message: Message) => {
    try {
      encode(message)
      return true
    } catch {
      return false
    }
  }
  // A result that cannot be encoded (BigInt, cycle) must still answer its request.
  const answerable = (message: Message): Message => {
    if (encodable(message) || !('id' in message)) return message
    return { type: 'error', id: message.id, error: { code: parts.codes.internalError, message: 'Internal error' } }
  }

  const overflow = () => endSession?.(1013, 'Session buffer full')
  /** A write-through frame the store kept: to the connection of now (it may have changed meanwhile). */
  const writeKept = (frame: WireFrame, withinLimit: boolean) => {
    if (withinLimit) current?.write(frame)
    else overflow()
  }

  const ctx: Context<Auth> = {
    id,
    get auth() {
      return latest.auth
    },
    get request() {
      // What the transport gave: the IncomingMessage on Node (what Context<Auth> says), a
      // WebUpgradeRequest on Deno and Bun, whose entries type their contexts with it.
      return latest.request as Context<Auth>['request']
    },
    get topics() {
      return current?.topics ?? noTopics
    },
    notify(event, params) {
      assertNotReserved(event)
      void client.sendFrame(encode({ type: 'notification', method: event, params }))
    },
    call(method, params, { timeout = parts.callTimeout } = {}) {
      assertNotReserved(method)
      // A plain client without a connection is gone; a session keeps the request for its next one.
      if (ended || (!session && !current?.writable)) return Promise.reject(clientGone())
      calls ??= createOutgoingCalls(parts.clock)
      return calls.start(method, timeout, (callId) => void client.sendFrame(encode({ type: 'request', id: callId, method, params })))
    },
    close(code = 1000, reason = '') {
      if (endSession) endSession(code, reason)
      else current?.close(code, reason)
    },
  }

  const client: Client<Auth> = {
    ctx,
    protocol,
    get work() {
      work ??= createWorkQueue(parts.maxInFlight, parts.maxQueued)
      return work
    },
    get busy() {
      return work !== undefined && (work.running > 0 || work.queued > 0)
    },
    get connection() {
      return current
    },
    get session() {
      return session
    },
    get ended() {
      return ended
    },
    startSession(next, end) {
      session = next
      endSession = end
    },
    send(message, finishes) {
      let frame: WireFrame
      try {
        frame = encode(message)
      } catch (err) {
        parts.report(err, ctx)
        frame = encode(Array.isArray(message) ? message.map(answerable) : answerable(message))
      }
      return client.sendFrame(frame, finishes)
    },
    sendFrame(frame, finishes) {
      if (ended) return undefined
      if (early) {
        early.push(frame)
        return undefined
      }
      const kept = session ? session.keepOutbound(frame, finishes) : true
      if (kept === true) current?.write(frame)
      else if (kept === false) overflow()
      else {
        return kept.then((written) => {
          if (written !== undefined && !ended) writeKept(frame, written)
        })
      }
      return undefined
    },
    settle: (answer) => calls?.settle(answer),
    attach(next) {
      current = next
      latest = next
      next.serve(client)
    },
    detach() {
      current = undefined
      work?.cancel()
      session?.rewindInbound()
      session?.stopAckTimer()
    },
    newPage() {
      calls?.fail()
      session?.newPage()
    },
    undecided() {
      early = []
    },
    decided() {
      const held = early
      early = undefined
      for (const frame of held ?? []) void client.sendFrame(frame)
    },
    end() {
      ended = true
      early = undefined
      current = undefined
      work?.cancel()
      calls?.fail()
      session?.stopAckTimer()
    },
  }
  if (restored === undefined) client.attach(connection)
  return client
}
