/**
 * A session's positions over the outbox (docs/protocol.md, "Sessions"): every
 * item written on a session takes the next position, from 1, and carries it
 * with its session id, in memory and in its stored copy. The server's count
 * (on resume) and its cumulative acknowledgements are positions too, so this
 * is where the two meet. The outbox itself only holds and gates; it knows
 * no positions.
 * @module
 */
import type { Outbox, OutboxItem } from '../socket/outbox'

/** @internal */
export interface Positions {
  /** The session the positions belong to; `undefined` while there is none (nothing is numbered). */
  session: string | undefined
  /** The `written` hook of the socket's layer: numbers an item written while a session is resumed. */
  written(item: OutboxItem): void
  /**
   * The handshake was answered on a gated socket: the server counted `received` frames of this session.
   * Queued items it counted wait, held, for its acknowledgement (they may still run there, and a crash
   * meanwhile would have them reported); the ones it lacks certainly did not arrive, so they lose their
   * position (no longer in doubt: they may expire again) and are numbered from `received + 1` as they
   * are written. Items it reported in doubt (`unknown`) are settled before this (session.ts).
   */
  resume(received: number): void
  /** The queued items of this session at the given positions (the ones a resume reports in doubt). */
  at(doubtful: ReadonlySet<number>): OutboxItem[]
  /** The server acknowledged every frame up to `position` (cumulative): held items up to it are let go. */
  ackedByServer(position: number): void
  /** The socket is gone: nothing is numbered until the next resume. */
  stop(): void
  /**
   * Queued items written on another session than this one: the server lost that session, so whether
   * they ran is unknown for good. Call it once `session` is the answered one.
   */
  orphans(): OutboxItem[]
  /** An item in doubt goes out again as a new frame (a `resend` call): it is no longer in doubt. */
  renew(item: OutboxItem): void
  /** The session found on the stored items after a reload, if any. */
  stored(): string | undefined
}

/** @internal */
export function createPositions(outbox: Outbox): Positions {
  let position = 0
  let numbering = false

  const positions: Positions = {
    session: undefined,
    written(item) {
      if (!numbering) return
      position++
      item.position = position
      item.session = positions.session
    },
    resume(received) {
      // The peer has these already (written before a drop or a reload): not sent again, held until it
      // says they finished, so that a crash of the peer meanwhile can still report them.
      outbox.hold((item) => item.session === positions.session && item.position !== undefined && item.position <= received)
      for (const item of outbox.items()) {
        if (item.session === positions.session) positions.renew(item)
      }
      position = received
      numbering = true
      outbox.ungate()
    },
    at: (doubtful) => outbox.items().filter((item) => item.session === positions.session && doubtful.has(item.position ?? 0)),
    ackedByServer(upTo) {
      outbox.ackedByPeer((item) => (item.position ?? 0) <= upTo)
    },
    stop() {
      numbering = false
    },
    orphans: () => outbox.items().filter((item) => item.position !== undefined && item.session !== positions.session),
    renew(item) {
      item.position = undefined
      item.session = undefined
    },
    stored() {
      let found: string | undefined
      for (const item of outbox.items()) found = item.session ?? found
      return found
    },
  }
  return positions
}
