/**
 * One session as the rest of the server sees it (docs/protocol.md,
 * "Sessions"), types only: the count of the client's tracked frames
 * (inbound-count.ts: counted when they start, acknowledged when they
 * finish), the tracked frames that went out and the ones the client has not
 * acknowledged yet (bounded in bytes), the frames a crash left in doubt, and
 * the coalesced acks the server owes the client. session-book.ts makes one.
 * No sockets here: its client decides where frames go. Acks are named by
 * their direction: `ackedByClient` (the client let go of ours),
 * `ackToClientNow` and `ackedToClient` (ours, of the client's).
 * @module
 */
import type { Clock } from '../clock'
import type { Repeats } from '../messages/repeats'
import type { WireFrame } from '../../protocol/protocol'
import type { SessionState } from './store'

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
   * Written through: hand the session over in the store (see `SessionJournal.release`, store.ts); false when
   * another process owns it now. Undefined without a journal that releases: save `state()` instead.
   */
  handOver(expires: number): Promise<boolean> | undefined
  /** This process stops serving the session; `forget`: the journal, if any, forgets it too. */
  stopJournal(forget: boolean): void
  /** Write-through: whether this process still owns the session in the store; undefined without a journal. */
  owned(): Promise<boolean> | undefined
}
