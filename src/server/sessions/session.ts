/**
 * One session's bookkeeping (docs/protocol.md, "Sessions"): the count of the
 * client's tracked frames (inbound-count.ts: counted when they start,
 * acknowledged when they finish), the tracked frames that went out and the
 * ones the client has not acknowledged yet (bounded in bytes), the frames a
 * crash left in doubt, and the coalesced acks the server owes the client.
 * No sockets here: its client decides where frames go. Acks are named by
 * their direction: `ackedByClient` (the client let go of ours),
 * `ackToClientNow` and `ackedToClient` (ours, of the client's).
 * @module
 */
import { backgroundTimeout, type Clock } from '../clock'
import { createRepeats, type Repeats } from '../messages/repeats'
import type { WireFrame } from '../../protocol/protocol'
import { createInboundCount, type InboundCount } from './inbound-count'
import type { SessionJournal, SessionState } from './store'
import { frameBytes as byteLength, fromStored, toStored } from './stored-frames'

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
  /** Tracked client frames counted (started, in position order): what a handshake answers as `received`. */
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
  /** A tracked frame of the client arrived: its position, and the epoch it arrived in. Nothing is counted yet. */
  arriveInbound(): { position: number; epoch: number }
  /**
   * The frame at `position` starts; `answers`: it has effects or an answer a crash could lose
   * (everything but the client's answers to our calls). `counted` is called once it counts: at once,
   * or, written through, from the journal's reply (false: the journal failed, do not run it). Frames
   * are called back in position order, so they run in the order they came. A frame of an earlier
   * `epoch` (its connection went, {@link Session.rewindInbound}) never starts: called back false.
   */
  startInbound(position: number, epoch: number, answers: boolean, counted: (ok: boolean) => void): void
  /** The frame at `position` finished without an answer (a notification ran). Written through: once journaled. */
  finishInbound(position: number): void | Promise<void>
  /** The connection is gone: frames that arrived and did not start never will here; the client writes them again. */
  rewindInbound(): void
  /**
   * Number and keep one tracked outbound frame; `finishes`: it answers the client's frame at that
   * position, which finishes with it (in the same journal step). False when the buffer is now over
   * `maxBytes`. Written through: once the journal kept it; undefined when the journal failed (do not send it).
   */
  keepOutbound(frame: WireFrame, finishes?: number): boolean | Promise<boolean | undefined>
  /**
   * Frames in doubt: started in a process that lost the session (a crash, or a hand-over at its
   * deadline) and never finished there. Every handshake answer reports them (`unknown`) until
   * {@link Session.doubtsHeard}, since an answer can be lost with its connection.
   */
  readonly doubts: readonly number[]
  /** The client wrote after reading a handshake answer: it has the doubts reported, which are forgotten. */
  doubtsHeard(): void
  /**
   * The client acknowledged our frames up to `count`: let go of them. False (and nothing
   * changes) when `count` is below what it acknowledged before or above what was sent.
   */
  ackedByClient(count: number): boolean
  /** The frames after position `count`, to replay; undefined when some of them are gone. */
  replayAfter(count: number): WireFrame[] | undefined
  /** A new page resumed: drop the buffer and number outbound frames from 1 again. */
  newPage(): void
  /** Write the ack owed to the client, if any (a connection is back, or the server is closing). */
  ackToClientNow(): void
  /** A handshake was answered: the client holds what it counted until an ack says it finished; owe one. */
  ackedToClient(): void
  /** Stop the ack timer (no connection, or the session ended). */
  stopAckTimer(): void
  /** The state to keep in a store. */
  state(expires: number): SessionState
  /**
   * Written through: hand the session over in the store (see {@link SessionJournal.release}); false when
   * another process owns it now. Undefined without a journal that releases: save `state()` instead.
   */
  handOver(expires: number): Promise<boolean> | undefined
  /** This process stops serving the session; `forget`: the journal, if any, forgets it too. */
  stopJournal(forget: boolean): void
  /** Write-through: whether this process still owns the session in the store; undefined without a journal. */
  owned(): Promise<boolean> | undefined
}

const noDoubts: readonly number[] = []
/** The frame buffer of a session with nothing unacknowledged: shared, never written (the first kept frame makes its own). */
const noFrames: string[] = []
/** The count a session reads before its first tracked frame. */
type CountReading = Readonly<Pick<InboundCount, 'started' | 'finished' | 'epoch'>> & { readonly running: readonly number[] }
const noCount: CountReading = { started: 0, finished: 0, running: [], epoch: 0 }

/**
 * A {@link Session}: a class, so that an idle session is one small object with its methods on the
 * prototype. Its memory of keyed messages is made when the first keyed message comes (or a restored
 * session's is first asked for), its map of frames waiting for the journal when the first one waits;
 * its frame buffer holds only what the client has not acknowledged.
 */
class SessionBook<O> implements Session {
  /** The count of tracked client frames: made when the first one arrives (a restored session's at once). */
  private inbound_: InboundCount | undefined
  private doubts_: readonly number[]
  private sent_: number
  private frames: WireFrame[]
  private bytes_: number
  /** What the last rpc.ack told the client (finished up to there). */
  private acknowledged: number
  private timer: unknown = undefined
  private keyed: Repeats | undefined = undefined
  /** A restored session's keyed marks, until its repeats are made. */
  private marks: SessionState['marks']
  private page_ = 0
  /** Written through: started frames waiting for their journal step, called back in position order. */
  private counting: Map<number, (ok: boolean) => void> | undefined = undefined

  constructor(
    readonly id: string,
    private readonly parts: SessionParts<O>,
    private readonly owner: O,
    private readonly journal: SessionJournal | undefined,
    state: SessionState | undefined,
  ) {
    const running = state?.running ?? noDoubts
    this.inbound_ = state ? createInboundCount(state.received, running) : undefined
    // Started by a process that lost the session: they never finish here, so the count goes past them
    // at once, but they are reported until the client shows it heard.
    this.doubts_ = running.length ? [...running] : noDoubts
    for (const position of running) this.inbound.finish(position)
    this.sent_ = state?.sent ?? 0
    this.frames = state?.frames.length ? state.frames.map(fromStored) : noFrames
    this.bytes_ = this.frames.reduce((total, frame) => total + byteLength(frame), 0)
    this.acknowledged = this.counts.finished
    this.marks = state?.marks
  }

  /** The count, made on first use. */
  private get inbound(): InboundCount {
    this.inbound_ ??= createInboundCount()
    return this.inbound_
  }
  /** What reading the count sees: a session that never counted a frame reads zeroes without making one. */
  private get counts(): CountReading {
    return this.inbound_ ?? noCount
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
    return this.counts.started
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
  get doubts(): readonly number[] {
    return this.doubts_
  }
  /** Position of the oldest buffered frame, minus one: what the client acknowledged. */
  private get base(): number {
    return this.sent_ - this.frames.length
  }
  private lost(err: unknown): void {
    this.parts.lost(this.owner, err)
  }
  private oweAck(): void {
    const { finished } = this.counts
    if (finished - this.acknowledged >= ACK_EVERY) this.ackToClientNow()
    else if (this.timer === undefined && finished > this.acknowledged) {
      this.timer = backgroundTimeout(this.parts.clock, () => this.ackToClientNow(), this.parts.ackDelay)
    }
  }
  private finished(position: number): void {
    if (this.inbound.finish(position)) this.oweAck()
  }
  private keep(frame: WireFrame): boolean {
    this.sent_++
    if (this.frames === noFrames) this.frames = []
    this.frames.push(frame)
    this.bytes_ += byteLength(frame)
    return this.bytes_ <= this.parts.maxBytes
  }
  /** Kept, and the client's frame it answers (`finishes`) finished with it. */
  private keepFinishing(frame: WireFrame, finishes: number | undefined): boolean {
    const kept = this.keep(frame)
    if (finishes !== undefined) this.finished(finishes)
    return kept
  }
  /**
   * Journals each position the count moved over, in order (the journal's count is a prefix too). Each
   * step calls its frame back from its own reply, so frames whose replies come in one read still run
   * in position order, whatever the depth of the promise chains around them.
   */
  private journalStarts(journal: SessionJournal, moved: { position: number; running: boolean }[]): void {
    for (const { position, running } of moved) {
      const counted = (ok: boolean) => {
        const then = this.counting?.get(position)
        this.counting?.delete(position)
        then?.(ok)
        // A frame that finished before the count reached it (the client's answer to our call) is done once counted.
        if (ok && !running) this.finished(position)
      }
      journal.start(position, running).then(
        () => counted(true),
        (err: unknown) => {
          this.lost(err)
          counted(false)
        },
      )
    }
  }
  arriveInbound(): { position: number; epoch: number } {
    return { position: this.inbound.arrive(), epoch: this.inbound.epoch }
  }
  startInbound(position: number, epoch: number, answers: boolean, counted: (ok: boolean) => void): void {
    // Admitted just before its connection went: it never starts, the client writes it again.
    if (epoch !== this.counts.epoch) return counted(false)
    const moved = this.inbound.start(position, answers)
    const { journal } = this
    if (!journal) {
      if (!answers) this.finished(position)
      counted(true)
      return
    }
    // Counted in the journal first: it runs (and the client hears it finished) only once the journal has it.
    this.counting ??= new Map()
    this.counting.set(position, counted)
    this.journalStarts(journal, moved)
  }
  finishInbound(position: number): void | Promise<void> {
    if (!this.journal) return this.finished(position)
    return this.journal.finish(position).then(
      () => this.finished(position),
      (err: unknown) => this.lost(err),
    )
  }
  rewindInbound(): void {
    this.inbound.rewind()
  }
  keepOutbound(frame: WireFrame, finishes?: number): boolean | Promise<boolean | undefined> {
    const { journal } = this
    if (!journal) return this.keepFinishing(frame, finishes)
    // Replies resolve in call order, so frames are numbered and written in the order they were pushed.
    return journal.push(toStored(frame), finishes).then(
      () => this.keepFinishing(frame, finishes),
      (err: unknown) => {
        this.lost(err)
        return undefined
      },
    )
  }
  doubtsHeard(): void {
    if (!this.doubts_.length) return
    const heard = this.doubts_
    this.doubts_ = noDoubts
    // The journal keeps them as running until now: a crash before this reports them again.
    for (const position of heard) this.journal?.finish(position).catch((err: unknown) => this.lost(err))
  }
  ackedByClient(upTo: number): boolean {
    if (!Number.isSafeInteger(upTo) || upTo < this.base || upTo > this.sent_) return false
    if (upTo === this.base) return true
    const released = this.frames.splice(0, upTo - this.base)
    for (const frame of released) this.bytes_ -= byteLength(frame)
    if (this.journal && released.length) this.journal.acknowledge(upTo).catch((err: unknown) => this.lost(err))
    return true
  }
  replayAfter(count: number): WireFrame[] | undefined {
    if (count < this.base || count > this.sent_) return undefined
    return this.frames.slice(count - this.base)
  }
  newPage(): void {
    this.page_++
    this.sent_ = 0
    this.frames = noFrames
    this.bytes_ = 0
    this.journal?.restart().catch((err: unknown) => this.lost(err))
  }
  ackToClientNow(): void {
    this.stopAckTimer()
    const { finished } = this.counts
    if (finished > this.acknowledged && this.parts.writeAck(this.owner, finished)) this.acknowledged = finished
  }
  ackedToClient(): void {
    // The answer's `received` counts; an ack tells what finished: the next one is owed from scratch.
    this.acknowledged = 0
    this.stopAckTimer()
    this.oweAck()
  }
  stopAckTimer(): void {
    if (this.timer !== undefined) this.parts.clock.clearTimeout(this.timer)
    this.timer = undefined
  }
  state(expires: number): SessionState {
    const marks = this.keyed ? this.keyed.marks() : (this.marks ?? {})
    const running = [...this.doubts_, ...this.counts.running]
    return { id: this.id, received: this.counts.started, sent: this.sent_, frames: this.frames.map(toStored), expires, marks, running }
  }
  handOver(expires: number): Promise<boolean> | undefined {
    return this.journal?.release?.(expires)
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
