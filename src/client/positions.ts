/**
 * A session's positions over the outbox (docs/protocol.md, "Sessions"): every
 * item written on a session takes the next position, from 1, and carries it
 * with its session id, in memory and in its stored copy. The server's count
 * (on resume) and its cumulative acknowledgements are positions too, so this
 * is where the two meet. The outbox itself only holds and gates; it knows
 * no positions.
 * @module
 */
import type { CallId, Outbox, OutboxItem } from '../socket/outbox'

/** @internal */
export interface Positions {
  /** The session the positions belong to; `undefined` while there is none (nothing is numbered). */
  session: string | undefined
  /** The `written` hook of the socket's layer: numbers an item written while a session is resumed. */
  written(item: OutboxItem): void
  /**
   * The handshake was answered on a gated socket: the server has `received` frames of this session.
   * Queued items it has are let go, the rest are numbered from `received + 1` as they are written.
   */
  resume(received: number): void
  /** The server acknowledged every frame up to `position` (cumulative): held items up to it are let go. */
  ackedByServer(position: number): void
  /** The socket is gone: nothing is numbered until the next resume. */
  stop(): void
  /** True when the call's queued item was written before, on the current session (it was put back). */
  writtenBefore(call: CallId): boolean
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
      // The peer has these already (written before a drop or a reload): let go, not sent again.
      outbox.discard((item) => item.session === positions.session && item.position !== undefined && item.position <= received)
      position = received
      numbering = true
      outbox.ungate()
    },
    ackedByServer(upTo) {
      outbox.ackedByPeer((item) => (item.position ?? 0) <= upTo)
    },
    stop() {
      numbering = false
    },
    writtenBefore(call) {
      const item = outbox.get(call)
      return !!item && item.position !== undefined && item.session === positions.session
    },
    stored() {
      let found: string | undefined
      for (const item of outbox.items()) found = item.session ?? found
      return found
    },
  }
  return positions
}
