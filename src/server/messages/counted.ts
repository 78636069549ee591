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
   * Start it (the first call does) and call `then` once it counts: at once without a journal, else from
   * the journal's reply, in position order (false: the journal failed; do not run).
   */
  begin(then?: (ok: boolean) => void): void
}

/**
 * `arrival`: its position and the epoch it arrived in (sessions/session.ts); `answers`: the frame has
 * requests or notifications (effects or answers a crash could lose).
 * @internal
 */
export function countedFrame(session: Session, arrival: { position: number; epoch: number }, answers: boolean): CountedFrame {
  const { position, epoch } = arrival
  let started = false
  let verdict: boolean | undefined
  const waiting: ((ok: boolean) => void)[] = []
  return {
    position,
    get started() {
      return started && verdict !== false
    },
    slots: 0,
    begin(then) {
      if (verdict !== undefined) {
        then?.(verdict)
        return
      }
      if (then) waiting.push(then)
      if (started) return
      started = true
      session.startInbound(position, epoch, answers, (ok) => {
        verdict = ok
        for (const next of waiting.splice(0)) next(ok)
      })
    },
  }
}

/**
 * Runs `make` once the frame counts: at once without a journal (synchronously), else from the
 * journal's reply, in position order; not at all if the journal failed.
 * @internal
 */
export function whenCounted(frame: CountedFrame | undefined, make: () => Handled): Handled {
  if (!frame) return make()
  let later: ((handled: Handled) => void) | undefined
  let now: boolean | undefined
  frame.begin((ok) => {
    if (later) later(ok ? make() : undefined)
    else now = ok
  })
  if (now !== undefined) return now ? make() : undefined
  return new Promise<Commit | undefined>((resolve) => {
    later = resolve as (handled: Handled) => void
  })
}
