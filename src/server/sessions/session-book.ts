/**
 * One session's bookkeeping (docs/protocol.md, "Sessions"), the `Session`
 * of session.ts: the count of the client's tracked frames (inbound-count.ts),
 * written through to the store's journal before a frame runs; the frames a
 * crash left in doubt, reported until the client heard of them; the
 * coalesced acks the server owes the client; the hand-over to the store. The
 * frames that went out are its base class's (outbound-frames.ts).
 * @module
 */
import { backgroundTimeout } from '../clock'
import { createRepeats, type Repeats } from '../messages/repeats'
import type { WireFrame } from '../../protocol/protocol'
import { createInboundCount, type InboundCount } from './inbound-count'
import { OutboundFrames } from './outbound-frames'
import type { Session, SessionParts } from './session'
import type { SessionJournal, SessionState } from './store'
import { toStored } from './stored-frames'

/** An ack is sent at once when this many tracked frames are unacknowledged. @internal */
export const ACK_EVERY = 128

const noDoubts: readonly number[] = []
/** The count a session reads before its first tracked frame. */
type CountReading = Readonly<Pick<InboundCount, 'started' | 'finished' | 'epoch'>> & { readonly running: readonly number[] }
const noCount: CountReading = { started: 0, finished: 0, running: [], epoch: 0 }

/**
 * A {@link Session}: a class, so that an idle session is one small object with its methods on the
 * prototype (and its outbound frames' fields its own, from its base class). Its memory of keyed
 * messages is made when the first keyed message comes (or a restored session's is first asked for),
 * its map of frames waiting for the journal when the first one waits.
 */
class SessionBook<O> extends OutboundFrames implements Session {
  /** The count of tracked client frames: made when the first one arrives (a restored session's at once). */
  private inbound_: InboundCount | undefined
  private doubts_: readonly number[]
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
    super(state)
    const running = state?.running ?? noDoubts
    this.inbound_ = state ? createInboundCount(state.received, running) : undefined
    // Started by a process that lost the session: they never finish here, so the count goes past them
    // at once, but they are reported until the client shows it heard.
    this.doubts_ = running.length ? [...running] : noDoubts
    for (const position of running) this.inbound.finish(position)
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
  get doubts(): readonly number[] {
    return this.doubts_
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
  /** Kept, and the client's frame it answers (`finishes`) finished with it. */
  private keepFinishing(frame: WireFrame, finishes: number | undefined): boolean {
    const kept = this.keep(frame, this.parts.maxBytes)
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
    const released = this.release(upTo)
    if (released === undefined) return false
    if (this.journal && released) this.journal.acknowledge(upTo).catch((err: unknown) => this.lost(err))
    return true
  }
  newPage(): void {
    this.page_++
    this.forgetFrames()
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
    return { id: this.id, received: this.counts.started, sent: this.sent, frames: this.storedFrames(), expires, marks, running }
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
