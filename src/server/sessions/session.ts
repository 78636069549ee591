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
import type { WireFrame } from '../../protocol/protocol'
import type { SessionJournal, SessionState } from './store'
import { frameBytes as byteLength, fromStored, toStored } from './stored-frames'

/** An ack is sent at once when this many tracked frames are unacknowledged. @internal */
export const ACK_EVERY = 128

/** What a session needs from its owner. @internal */
export interface SessionOptions {
  /** Bytes of unacknowledged outbound frames above which the session ends. */
  maxBytes: number
  /** Milliseconds an ack may wait for more frames to cover. */
  ackDelay: number
  clock: Clock
  /** Write `rpc.ack { received }` to the client's connection; false when it has none. */
  writeAck(received: number): boolean
  /** Write-through: the store's journal of this session (counts and outbound frames go there first). */
  journal?: SessionJournal | undefined
  /** The journal failed (store unavailable, or another process took the session over). */
  lost?: ((err: unknown) => void) | undefined
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
  keepOutbound(frame: WireFrame): boolean | Promise<boolean | undefined>
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

/**
 * A new session, or one restored from a store's `state`.
 * @internal
 */
export function createSession(id: string, options: SessionOptions, state?: SessionState): Session {
  let received = state?.received ?? 0
  let sent = state?.sent ?? 0
  let frames: WireFrame[] = (state?.frames ?? []).map(fromStored)
  let bytes = frames.reduce((total, frame) => total + byteLength(frame), 0)
  let unacked = 0
  let timer: unknown
  const repeats = createRepeats(state?.marks)
  let page = 0

  const { clock } = options
  const stopAckTimer = () => {
    if (timer !== undefined) clock.clearTimeout(timer)
    timer = undefined
  }
  const ackToClientNow = () => {
    stopAckTimer()
    if (unacked && options.writeAck(received)) unacked = 0
  }
  /** Position of the oldest buffered frame, minus one: what the client acknowledged. */
  const base = () => sent - frames.length
  const { journal } = options
  const lost = (err: unknown) => options.lost?.(err)
  const count = () => {
    received++
    unacked++
    if (unacked >= ACK_EVERY) ackToClientNow()
    else if (timer === undefined) timer = backgroundTimeout(clock, ackToClientNow, options.ackDelay)
  }
  const keep = (frame: WireFrame) => {
    sent++
    frames.push(frame)
    bytes += byteLength(frame)
    return bytes <= options.maxBytes
  }

  return {
    id,
    repeats,
    get page() {
      return page
    },
    get received() {
      return received
    },
    get sent() {
      return sent
    },
    get bytes() {
      return bytes
    },
    get buffered() {
      return frames.length
    },
    countInbound() {
      if (!journal) return count()
      // Counted in memory (and so acknowledged to the client) only once the store counted it.
      return journal.receive().then(
        () => {
          count()
          return true
        },
        (err: unknown) => {
          lost(err)
          return false
        },
      )
    },
    keepOutbound(frame) {
      if (!journal) return keep(frame)
      // Replies resolve in call order, so frames are numbered and written in the order they were pushed.
      return journal.push(toStored(frame)).then(
        () => keep(frame),
        (err: unknown) => {
          lost(err)
          return undefined
        },
      )
    },
    ackedByClient(upTo) {
      if (!Number.isSafeInteger(upTo) || upTo < base() || upTo > sent) return false
      const released = frames.splice(0, upTo - base())
      for (const frame of released) bytes -= byteLength(frame)
      if (journal && released.length) journal.acknowledge(upTo).catch(lost)
      return true
    },
    replayAfter(count) {
      if (count < base() || count > sent) return undefined
      return frames.slice(count - base())
    },
    newPage() {
      page++
      sent = 0
      frames = []
      bytes = 0
      journal?.restart().catch(lost)
    },
    ackToClientNow,
    ackedToClient() {
      stopAckTimer()
      unacked = 0
    },
    stopAckTimer,
    state: (expires) => ({ id, received, sent, frames: frames.map(toStored), expires, marks: repeats.marks() }),
    stopJournal(forget) {
      // Best effort: if the store is away, the session's keys expire at its ttl anyway.
      journal?.end(forget).catch(() => {})
    },
    owned: () => journal?.owned(),
  }
}
