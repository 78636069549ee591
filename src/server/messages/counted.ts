/**
 * One tracked frame of a session, as the inbound path starts and finishes
 * it (sessions/inbound-count.ts): its position, whether it started (and so
 * counts, and must finish), and the work slots its messages hold until it
 * finished, so that what a crash can leave in doubt is never more than what
 * holds a slot. Its first message that starts starts it.
 * @module
 */
import type { Session } from '../sessions/session'
import type { Commit, Handled } from './answers'

/** @internal */
export interface CountedFrame {
  readonly position: number
  /** True once it started (and was not refused): the session counts it, and it must finish. */
  readonly started: boolean
  /** Work slots its messages took; given back when the frame finished (inbound.ts). */
  slots: number
  /**
   * Start it (the first call does). Returns whether it counts when that is known now: at once without a
   * journal; undefined while the journal's reply is awaited ({@link CountedFrame.whenCounted}).
   */
  begin(): boolean | undefined
  /**
   * After a {@link CountedFrame.begin} that returned undefined: call `then` once it counts, from the
   * journal's reply, in position order (false: the journal failed; do not run).
   */
  whenCounted(then: (ok: boolean) => void): void
}

/**
 * A {@link CountedFrame}: a class, so that a frame is one object with its methods on the prototype
 * (no closures and no accessor of its own), and the list of what waits for the journal is made only
 * when something waits.
 */
class Frame implements CountedFrame {
  slots = 0
  private begun = false
  /** Whether it counts, once known. */
  private verdict: boolean | undefined = undefined
  /** What waits for the verdict: one function, or several in the order they came. */
  private waiting: ((ok: boolean) => void) | ((ok: boolean) => void)[] | undefined = undefined

  constructor(
    private readonly session: Session,
    readonly position: number,
    private readonly epoch: number,
    private readonly answers: boolean,
  ) {}

  get started(): boolean {
    return this.begun && this.verdict !== false
  }
  begin(): boolean | undefined {
    if (!this.begun) {
      this.begun = true
      this.session.startInbound(this.position, this.epoch, this.answers, (ok) => this.counted(ok))
    }
    return this.verdict
  }
  whenCounted(then: (ok: boolean) => void): void {
    if (this.verdict !== undefined) then(this.verdict)
    else if (this.waiting === undefined) this.waiting = then
    else if (typeof this.waiting === 'function') this.waiting = [this.waiting, then]
    else this.waiting.push(then)
  }
  private counted(ok: boolean): void {
    this.verdict = ok
    const waiting = this.waiting
    this.waiting = undefined
    if (typeof waiting === 'function') waiting(ok)
    else if (waiting) for (const next of waiting) next(ok)
  }
}

/**
 * `arrival`: its position and the epoch it arrived in (sessions/session.ts); `answers`: the frame has
 * requests or notifications (effects or answers a crash could lose).
 * @internal
 */
export function countedFrame(session: Session, arrival: { position: number; epoch: number }, answers: boolean): CountedFrame {
  return new Frame(session, arrival.position, arrival.epoch, answers)
}

/**
 * Runs `make` once the frame counts: at once without a journal (synchronously), else from the
 * journal's reply, in position order; not at all if the journal failed.
 * @internal
 */
export function whenCounted(frame: CountedFrame | undefined, make: () => Handled): Handled {
  if (!frame) return make()
  const now = frame.begin()
  if (now !== undefined) return now ? make() : undefined
  return new Promise<Commit | undefined>((resolve) => {
    frame.whenCounted((ok) => resolve(ok ? make() : undefined))
  })
}
