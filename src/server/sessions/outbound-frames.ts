/**
 * The tracked frames a session sent its client (docs/protocol.md,
 * "Sessions"): numbered from 1, each kept until the client acknowledges it,
 * their bytes counted against the session's bound, replayed to a client that
 * missed some. No journal here: session-book.ts writes each step through to
 * the store first, when there is one.
 * @module
 */
import type { WireFrame } from '../../protocol/protocol'
import type { SessionState } from './store'
import { frameBytes as byteLength, fromStored, toStored } from './stored-frames'

/** The frame buffer of a session with nothing unacknowledged: shared, never written (the first kept frame makes its own). */
const noFrames: string[] = []

/**
 * A session's outbound frames: the base class of the session (session-book.ts), not a part it
 * holds, so that an idle session stays one small object. The buffer holds only what the client has
 * not acknowledged.
 * @internal
 */
export class OutboundFrames {
  private sent_: number
  private frames: WireFrame[]
  private bytes_: number

  constructor(state: SessionState | undefined) {
    this.sent_ = state?.sent ?? 0
    this.frames = state?.frames.length ? state.frames.map(fromStored) : noFrames
    this.bytes_ = this.frames.reduce((total, frame) => total + byteLength(frame), 0)
  }

  /** Tracked frames sent. */
  get sent(): number {
    return this.sent_
  }
  /** Bytes of unacknowledged outbound frames. */
  get bytes(): number {
    return this.bytes_
  }
  /** How many outbound frames are held (not acknowledged yet). */
  get buffered(): number {
    return this.frames.length
  }
  /** Position of the oldest buffered frame, minus one: what the client acknowledged. */
  private get base(): number {
    return this.sent_ - this.frames.length
  }
  /** Number and keep one frame: false when the buffer is now over `maxBytes`. */
  protected keep(frame: WireFrame, maxBytes: number): boolean {
    this.sent_++
    if (this.frames === noFrames) this.frames = []
    this.frames.push(frame)
    this.bytes_ += byteLength(frame)
    return this.bytes_ <= maxBytes
  }
  /**
   * The client acknowledged our frames up to `upTo`: let go of them, and say how many went.
   * Undefined (and nothing changes) when `upTo` is below what it acknowledged before or above what was sent.
   */
  protected release(upTo: number): number | undefined {
    if (!Number.isSafeInteger(upTo) || upTo < this.base || upTo > this.sent_) return undefined
    if (upTo === this.base) return 0
    const released = this.frames.splice(0, upTo - this.base)
    for (const frame of released) this.bytes_ -= byteLength(frame)
    return released.length
  }
  /** The frames after position `count`, to replay; undefined when some of them are gone. */
  replayAfter(count: number): WireFrame[] | undefined {
    if (count < this.base || count > this.sent_) return undefined
    return this.frames.slice(count - this.base)
  }
  /** A new page: nothing is kept for the old one, and frames are numbered from 1 again. */
  protected forgetFrames(): void {
    this.sent_ = 0
    this.frames = noFrames
    this.bytes_ = 0
  }
  /** The unacknowledged frames as a store keeps them, oldest first. */
  protected storedFrames(): string[] {
    return this.frames.map(toStored)
  }
}
