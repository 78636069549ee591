/**
 * One session's bookkeeping (docs/protocol.md, "Sessions"): how many
 * tracked frames came in and went out, the outbound frames the client has
 * not acknowledged yet (bounded in bytes), and the coalesced acks the
 * server owes the client. No sockets here: its client decides where frames go.
 * Acks are named by their direction: `ackedByClient` (the client let go of
 * ours), `ackToClientNow` and `ackedToClient` (ours, of the client's).
 * @module
 */
import { backgroundTimeout, type Clock } from '../clock'
import { createRepeats, type Repeats } from '../messages/repeats'
import type { SessionJournal, SessionState } from './store'

/** An ack is sent at once when this many tracked frames are unacknowledged. @internal */
export const ACK_EVERY = 128

/**
 * What the sessions of one server share: their bounds, the clock, and the way to their client (`O`,
 * the session's owner). One object per server, so that a session carries a pointer, not closures.
 * @internal
 */
export interface SessionParts<O> {
  /** Bytes of unacknowledged outbound frames above which the session ends. */
  maxBytes: number
  /** Milliseconds an ack may wait for more frames to cover. */
  ackDelay: number
  clock: Clock
  /** Write `rpc.ack { received }` to the owner's connection; false when it has none. */
  writeAck(owner: O, received: number): boolean
  /** The owner's journal failed (store unavailable, or another process took the session over). */
  lost(owner: O, err: unknown): void
}

/** @internal */
export interface Session {
  readonly id: string
  /** Tracked client frames received. */
  readonly received: number
  /** Tracked frames sent. */
  readonly sent: number
  /** Bytes of unacknowledged outbound frames. */
  readonly bytes: number
  /** How many outbound frames are held (not acknowledged yet). */
  readonly buffered: number
  /** The keyed messages (`once`) that ran, and the answers of the latest keyed requests. */
  readonly repeats: Repeats
  /** How many times a new page took the session over (`newPage`): answers for an older page are not sent. */
  readonly page: number
  /**
   * Count one tracked inbound frame, and acknowledge it soon (or at once, every {@link ACK_EVERY}).
   * Write-through: once the journal counted it; the promise says whether it may run (false: the journal failed).
   */
  countInbound(): void | Promise<boolean>
  /**
   * Number and keep one tracked outbound frame. False when the buffer is now over `maxBytes`.
   * Write-through: once the journal kept it; undefined when the journal failed (do not send it).
   */
  keepOutbound(frame: string): boolean | Promise<boolean | undefined>
  /**
   * The client acknowledged our frames up to `count`: let go of them. False (and nothing
   * changes) when `count` is below what it acknowledged before or above what was sent.
   */
  ackedByClient(count: number): boolean
  /** The frames after position `count`, to replay; undefined when some of them are gone. */
  replayAfter(count: number): string[] | undefined
  /** A new page resumed: drop the buffer and number outbound frames from 1 again. */
  newPage(): void
  /** Write the ack owed to the client, if any (a connection is back, or the server is closing). */
  ackToClientNow(): void
  /** The handshake answer just told the client `received`: no ack is owed to it. */
  ackedToClient(): void
  /** Stop the ack timer (no connection, or the session ended). */
  stopAckTimer(): void
  /** The state to keep in a store. */
  state(expires: number): SessionState
  /** This process stops serving the session; `forget`: the journal, if any, forgets it too. */
  stopJournal(forget: boolean): void
  /** Write-through: whether this process still owns the session in the store; undefined without a journal. */
  owned(): Promise<boolean> | undefined
}

const byteLength = (frame: string) => Buffer.byteLength(frame)

/**
 * A {@link Session}: a class, so that an idle session is one small object with its methods on the
 * prototype. Its memory of keyed messages is made when the first keyed message comes (or a restored
 * session's is first asked for); its frame buffer holds only what the client has not acknowledged.
 */
class SessionBook<O> implements Session {
  private received_: number
  private sent_: number
  private frames: string[]
  private bytes_: number
  private unacked = 0
  private timer: unknown = undefined
  private keyed: Repeats | undefined = undefined
  /** A restored session's keyed marks, until its repeats are made. */
  private marks: SessionState['marks']
  private page_ = 0

  constructor(
    readonly id: string,
    private readonly parts: SessionParts<O>,
    private readonly owner: O,
    private readonly journal: SessionJournal | undefined,
    state: SessionState | undefined,
  ) {
    this.received_ = state?.received ?? 0
    this.sent_ = state?.sent ?? 0
    this.frames = state ? [...state.frames] : []
    this.bytes_ = this.frames.reduce((total, frame) => total + byteLength(frame), 0)
    this.marks = state?.marks
  }

  get repeats(): Repeats {
    this.keyed ??= createRepeats(this.marks)
    this.marks = undefined
    return this.keyed
  }
  get page(): number {
    return this.page_
  }
  get received(): number {
    return this.received_
  }
  get sent(): number {
    return this.sent_
  }
  get bytes(): number {
    return this.bytes_
  }
  get buffered(): number {
    return this.frames.length
  }
  /** Position of the oldest buffered frame, minus one: what the client acknowledged. */
  private get base(): number {
    return this.sent_ - this.frames.length
  }
  private lost(err: unknown): void {
    this.parts.lost(this.owner, err)
  }
  private count(): void {
    this.received_++
    this.unacked++
    if (this.unacked >= ACK_EVERY) this.ackToClientNow()
    else if (this.timer === undefined) this.timer = backgroundTimeout(this.parts.clock, () => this.ackToClientNow(), this.parts.ackDelay)
  }
  private keep(frame: string): boolean {
    this.sent_++
    this.frames.push(frame)
    this.bytes_ += byteLength(frame)
    return this.bytes_ <= this.parts.maxBytes
  }
  countInbound(): void | Promise<boolean> {
    const { journal } = this
    if (!journal) return this.count()
    // Counted in memory (and so acknowledged to the client) only once the store counted it.
    return journal.receive().then(
      () => {
        this.count()
        return true
      },
      (err: unknown) => {
        this.lost(err)
        return false
      },
    )
  }
  keepOutbound(frame: string): boolean | Promise<boolean | undefined> {
    const { journal } = this
    if (!journal) return this.keep(frame)
    // Replies resolve in call order, so frames are numbered and written in the order they were pushed.
    return journal.push(frame).then(
      () => this.keep(frame),
      (err: unknown) => {
        this.lost(err)
        return undefined
      },
    )
  }
  ackedByClient(upTo: number): boolean {
    if (!Number.isSafeInteger(upTo) || upTo < this.base || upTo > this.sent_) return false
    const released = this.frames.splice(0, upTo - this.base)
    for (const frame of released) this.bytes_ -= byteLength(frame)
    if (this.journal && released.length) this.journal.acknowledge(upTo).catch((err: unknown) => this.lost(err))
    return true
  }
  replayAfter(count: number): string[] | undefined {
    if (count < this.base || count > this.sent_) return undefined
    return this.frames.slice(count - this.base)
  }
  newPage(): void {
    this.page_++
    this.sent_ = 0
    this.frames = []
    this.bytes_ = 0
    this.journal?.restart().catch((err: unknown) => this.lost(err))
  }
  ackToClientNow(): void {
    this.stopAckTimer()
    if (this.unacked && this.parts.writeAck(this.owner, this.received_)) this.unacked = 0
  }
  ackedToClient(): void {
    this.stopAckTimer()
    this.unacked = 0
  }
  stopAckTimer(): void {
    if (this.timer !== undefined) this.parts.clock.clearTimeout(this.timer)
    this.timer = undefined
  }
  state(expires: number): SessionState {
    const marks = this.keyed ? this.keyed.marks() : (this.marks ?? {})
    return { id: this.id, received: this.received_, sent: this.sent_, frames: [...this.frames], expires, marks }
  }
  stopJournal(forget: boolean): void {
    // Best effort: if the store is away, the session's keys expire at its ttl anyway.
    this.journal?.end(forget).catch(() => {})
  }
  owned(): Promise<boolean> | undefined {
    return this.journal?.owned()
  }
}

/**
 * A new session of `owner` (its client), or one restored from a store's `state`; `journal`: the
 * store's journal of it (write-through stores: counts and outbound frames go there first).
 * @internal
 */
export function createSession<O>(id: string, parts: SessionParts<O>, owner: O, journal?: SessionJournal, state?: SessionState): Session {
  return new SessionBook(id, parts, owner, journal, state)
}
