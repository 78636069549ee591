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
import type { Message, Protocol, WireFrame } from '../../protocol/protocol'
import type { Clock } from '../clock'
import type { Codes } from '../messages/codes'
import { createWorkQueue, type WorkQueue } from '../messages/work'
import type { Session } from '../sessions/session'
import type { CallOptions, Context } from '../types'
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

/** Ends a client's session (ctx.close, an overflow): one per server, shared by its clients. @internal */
export interface SessionEnder<Auth> {
  finish(client: Client<Auth>, code: number, reason: string): void
}

const assertNotReserved = (name: string, control: ReadonlySet<string>) => {
  if (control.has(name)) throw new TypeError(`lifeline-ws/server: ${name} is reserved for the protocol`)
}

/**
 * A client's `ctx`. A class with its methods on the prototype, so that an idle client costs one
 * small object here; like any class instance's, its methods are called on it (`ctx.notify(…)`),
 * not taken off it.
 */
class ClientContext<Auth> implements Context<Auth> {
  constructor(
    readonly id: string,
    private readonly client: ServedClient<Auth>,
  ) {}
  get auth(): Auth {
    return this.client.latest.auth
  }
  get request(): Context<Auth>['request'] {
    // What the transport gave: the IncomingMessage on Node (what Context<Auth> says), a
    // WebUpgradeRequest on Deno and Bun, whose entries type their contexts with it.
    return this.client.latest.request as Context<Auth>['request']
  }
  get topics(): ReadonlySet<string> {
    return this.client.connection?.topics ?? noTopics
  }
  notify(event: string, params?: unknown): void {
    const { client } = this
    assertNotReserved(event, client.parts.control)
    void client.sendFrame(client.protocol.encode({ type: 'notification', method: event, params }))
  }
  call(method: string, params?: unknown, { timeout = this.client.parts.callTimeout }: CallOptions = {}): Promise<unknown> {
    const { client } = this
    assertNotReserved(method, client.parts.control)
    return client.call(method, params, timeout)
  }
  close(code = 1000, reason = ''): void {
    this.client.close(code, reason)
  }
}

/**
 * A {@link Client}: a class, so that an idle client is two small objects (itself and its ctx) with
 * their methods on the prototype. Its work queue, its outgoing calls and the frames it holds before
 * its connection's first frame are made on first use.
 */
class ServedClient<Auth> implements Client<Auth> {
  readonly ctx: ClientContext<Auth>
  /** The dialect of the connection it was first seen on: a session keeps it (sessions/handshake.ts). */
  readonly protocol: Protocol
  /** The latest connection, even once it closed: ctx.auth and ctx.request stay readable. */
  latest: Connection<Auth>
  private current: Connection<Auth> | undefined = undefined
  private calls: OutgoingCalls | undefined = undefined
  private workQueue: WorkQueue | undefined = undefined
  private started: Session | undefined = undefined
  private ender: SessionEnder<Auth> | undefined = undefined
  private gone = false
  /** Frames sent before the connection's first frame said whether it resumes a session; undefined when decided. */
  private early: WireFrame[] | undefined = undefined

  constructor(
    connection: Connection<Auth>,
    readonly parts: ClientParts<Auth>,
    id: string,
  ) {
    this.latest = connection
    this.protocol = connection.protocol
    this.ctx = new ClientContext(id, this)
  }

  get work(): WorkQueue {
    this.workQueue ??= createWorkQueue(this.parts.maxInFlight, this.parts.maxQueued)
    return this.workQueue
  }
  get busy(): boolean {
    const work = this.workQueue
    return work !== undefined && (work.running > 0 || work.queued > 0)
  }
  get connection(): Connection<Auth> | undefined {
    return this.current
  }
  get session(): Session | undefined {
    return this.started
  }
  get ended(): boolean {
    return this.gone
  }
  startSession(session: Session, ender: SessionEnder<Auth>): void {
    this.started = session
    this.ender = ender
  }
  /** ctx.call: a plain client without a connection is gone; a session keeps the request for its next one. */
  call(method: string, params: unknown, timeout: number): Promise<unknown> {
    if (this.gone || (!this.started && !this.current?.writable)) return Promise.reject(clientGone())
    this.calls ??= createOutgoingCalls(this.parts.clock)
    const { protocol } = this
    return this.calls.start(method, timeout, (callId) => void this.sendFrame(protocol.encode({ type: 'request', id: callId, method, params })))
  }
  /** ctx.close: a session ends with its connection (its client starts a new one). */
  close(code: number, reason: string): void {
    if (this.ender) this.ender.finish(this, code, reason)
    else this.current?.close(code, reason)
  }
  send(message: Message | Message[], finishes?: number): void | Promise<void> {
    const { protocol } = this
    let frame: WireFrame
    try {
      frame = protocol.encode(message)
    } catch (err) {
      this.parts.report(err, this.ctx)
      frame = protocol.encode(Array.isArray(message) ? message.map((one) => this.answerable(one)) : this.answerable(message))
    }
    return this.sendFrame(frame, finishes)
  }
  /** A result that cannot be encoded (BigInt, cycle) must still answer its request. */
  private answerable(message: Message): Message {
    try {
      this.protocol.encode(message)
      return message
    } catch {
      if (!('id' in message)) return message
      return { type: 'error', id: message.id, error: { code: this.parts.codes.internalError, message: 'Internal error' } }
    }
  }
  sendFrame(frame: WireFrame, finishes?: number): void | Promise<void> {
    if (this.gone) return undefined
    if (this.early) {
      this.early.push(frame)
      return undefined
    }
    const kept = this.started ? this.started.keepOutbound(frame, finishes) : true
    if (kept === true) this.current?.write(frame)
    else if (kept === false) this.overflow()
    else {
      return kept.then((written) => {
        // A write-through frame the store kept goes to the connection of now (it may have changed meanwhile).
        if (written === undefined || this.gone) return
        if (written) this.current?.write(frame)
        else this.overflow()
      })
    }
    return undefined
  }
  private overflow(): void {
    this.ender?.finish(this, 1013, 'Session buffer full')
  }
  settle(answer: Extract<Message, { type: 'response' | 'error' }>): void {
    this.calls?.settle(answer)
  }
  attach(next: Connection<Auth>): void {
    this.current = next
    this.latest = next
    next.serve(this)
  }
  detach(): void {
    this.current = undefined
    this.workQueue?.cancel()
    this.started?.rewindInbound()
    this.started?.stopAckTimer()
  }
  newPage(): void {
    this.calls?.fail()
    this.started?.newPage()
  }
  undecided(): void {
    this.early = []
  }
  decided(): void {
    const held = this.early
    this.early = undefined
    for (const frame of held ?? []) void this.sendFrame(frame)
  }
  end(): void {
    this.gone = true
    this.early = undefined
    this.current = undefined
    this.workQueue?.cancel()
    this.calls?.fail()
    this.started?.stopAckTimer()
  }
}

/**
 * A client first seen on `connection`, served on it at once. Its id is random; a session started
 * from it keeps that id. `restored`: the id of a session taken from the store, which the caller
 * attaches to `connection` itself once the handshake is decided.
 * @internal
 */
export function createClient<Auth>(connection: Connection<Auth>, parts: ClientParts<Auth>, restored?: string): Client<Auth> {
  const client = new ServedClient(connection, parts, restored ?? randomUUID())
  if (restored === undefined) client.attach(connection)
  return client
}
