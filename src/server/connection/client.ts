/**
 * One client as the application sees it: its context (`ctx`), its work
 * queue, the calls the server made to it, and, once it opened a session,
 * the session that carries every tracked frame across sockets. A plain
 * client is one socket; a session client outlives its sockets.
 * @module
 */
import { randomUUID } from 'node:crypto'
import type { Message } from '../../protocol/protocol'
import { clientGone, createOutgoingCalls } from './calls'
import type { Link } from './connection'
import type { Session } from '../sessions/session'
import type { Clock } from '../clock'
import type { Codes } from '../messages/codes'
import type { Context } from '../types'
import { createWorkQueue, type WorkQueue } from '../messages/work'

/** What a peer needs from its server. @internal */
export interface PeerOptions<Auth> {
  encode(message: Message | readonly Message[]): string
  codes: Codes
  clock: Clock
  callTimeout: number
  maxInFlight: number
  maxQueued: number
  /** Method names the session convention treats as control: events and calls may not use them. */
  control: ReadonlySet<string>
  report(err: unknown, ctx?: Context<Auth>): void
  /** `ctx.close()` was called. */
  close(peer: Peer<Auth>, code: number, reason: string): void
  /** The session's buffer went over `sessions.maxBytes`. */
  overflow(peer: Peer<Auth>): void
}

/** @internal */
export interface Peer<Auth = unknown> {
  readonly ctx: Context<Auth>
  /** Application messages running or waiting for a slot (flow control). */
  readonly work: WorkQueue
  /** The socket serving this client now, if any. */
  readonly link: Link<Auth> | undefined
  /** The session, once the client opened one. */
  session: Session | undefined
  /** True once the client is gone for good: nothing is sent any more. */
  readonly ended: boolean
  /** Encode and send a tracked message or batch; an answer that cannot be encoded becomes an internal error. */
  reply(message: Message | Message[]): void
  /** Send an encoded tracked frame: through the session when there is one, else to the socket. */
  deliver(frame: string): void
  /** A response or error from the client, to a call the server made. */
  settle(message: Extract<Message, { type: 'response' | 'error' }>): void
  /** Serve this client on `link` from now on. */
  attach(link: Link<Auth>): void
  /** The socket is gone; a session waits for the next one. */
  detach(): void
  /** The client is gone for good: reject the server's calls to it, stop its timers. */
  end(): void
  /** A new page took the session over: forget what was sent to the old one and its calls. */
  restart(): void
  /**
   * Hold what is delivered until {@link Peer.decided}: the socket's first frame may resume another
   * session, and then this context never was the client's (see `decided`).
   */
  undecided(): void
  /**
   * The first frame decided who this context is: delivered frames held since {@link Peer.undecided}
   * go out now, in order (through the session if it started one; nowhere if a resume ended it).
   */
  decided(): void
}

const noTopics: ReadonlySet<string> = new Set()

/**
 * A client first seen on `link`, served on it at once. Its id is random; a session started from
 * it keeps that id. `restored`: the id of a session taken from the store, which the caller
 * attaches to `link` itself once the handshake is decided.
 * @internal
 */
export function createPeer<Auth>(link: Link<Auth>, options: PeerOptions<Auth>, restored?: string): Peer<Auth> {
  const id = restored ?? randomUUID()
  const { encode } = options
  const calls = createOutgoingCalls(options.clock)
  let current: Link<Auth> | undefined
  // The latest socket, even once it closed: ctx.auth and ctx.request stay readable.
  let latest = link
  let ended = false
  // Frames delivered before the socket's first frame said whether it resumes a session.
  let early: string[] | undefined

  const reserved = (name: string) => {
    if (options.control.has(name)) throw new TypeError(`lifeline-ws/server: ${name} is reserved for the protocol`)
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
    return { type: 'error', id: message.id, error: { code: options.codes.internalError, message: 'Internal error' } }
  }

  const ctx: Context<Auth> = {
    id,
    get auth() {
      return latest.auth
    },
    get request() {
      return latest.request
    },
    get topics() {
      return current?.topics ?? noTopics
    },
    notify(event, params) {
      reserved(event)
      peer.deliver(encode({ type: 'notification', method: event, params }))
    },
    call(method, params, { timeout = options.callTimeout } = {}) {
      reserved(method)
      // A plain client without a socket is gone; a session keeps the request for its next socket.
      if (ended || (!peer.session && !current?.open)) return Promise.reject(clientGone())
      return calls.start(method, timeout, (callId) => peer.deliver(encode({ type: 'request', id: callId, method, params })))
    },
    close(code = 1000, reason = '') {
      options.close(peer, code, reason)
    },
  }

  /** A write-through frame the store kept: to the socket of now (it may have changed meanwhile). */
  const send = (frame: string, withinLimit: boolean) => {
    if (withinLimit) current?.send(frame)
    else options.overflow(peer)
  }

  const peer: Peer<Auth> = {
    ctx,
    work: createWorkQueue(options.maxInFlight, options.maxQueued),
    get link() {
      return current
    },
    session: undefined,
    get ended() {
      return ended
    },
    reply(message) {
      let frame: string
      try {
        frame = encode(message)
      } catch (err) {
        options.report(err, ctx)
        frame = encode(Array.isArray(message) ? message.map(answerable) : answerable(message))
      }
      peer.deliver(frame)
    },
    deliver(frame) {
      if (ended) return
      if (early) {
        early.push(frame)
        return
      }
      const kept = peer.session ? peer.session.push(frame) : true
      if (kept === true) current?.send(frame)
      else if (kept === false) options.overflow(peer)
      else {
        void kept.then((written) => {
          if (written !== undefined && !ended) send(frame, written)
        })
      }
    },
    settle: (message) => calls.settle(message),
    attach(next) {
      current = next
      latest = next
      next.peer = peer
    },
    detach() {
      current = undefined
      peer.session?.pause()
    },
    restart() {
      calls.fail()
      peer.session?.restart()
    },
    undecided() {
      early = []
    },
    decided() {
      const held = early
      early = undefined
      for (const frame of held ?? []) peer.deliver(frame)
    },
    end() {
      ended = true
      early = undefined
      current = undefined
      calls.fail()
      peer.session?.pause()
    },
  }
  if (restored === undefined) peer.attach(link)
  return peer
}
