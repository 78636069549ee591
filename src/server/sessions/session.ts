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
import { createInboundCount } from './inbound-count'
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

/**
 * A new session, or one restored from a store's `state`.
 * @internal
 */
export function createSession(id: string, options: SessionOptions, state?: SessionState): Session {
  const inbound = createInboundCount(state?.received ?? 0, state?.running ?? [])
  // Started by a process that lost the session: they never finish here, so the count goes past them
  // at once, but they are reported until the client shows it heard.
  let doubts = [...(state?.running ?? [])]
  for (const position of doubts) inbound.finish(position)
  let sent = state?.sent ?? 0
  let frames: WireFrame[] = (state?.frames ?? []).map(fromStored)
  let bytes = frames.reduce((total, frame) => total + byteLength(frame), 0)
  // What the last rpc.ack told the client (finished up to there).
  let acknowledged = inbound.finished
  let timer: unknown
  const repeats = createRepeats(state?.marks)
  let page = 0
  // Written through: started frames waiting for their journal step, called back in position order.
  const counting = new Map<number, (ok: boolean) => void>()

  const { clock } = options
  const stopAckTimer = () => {
    if (timer !== undefined) clock.clearTimeout(timer)
    timer = undefined
  }
  const ackToClientNow = () => {
    stopAckTimer()
    if (inbound.finished > acknowledged && options.writeAck(inbound.finished)) acknowledged = inbound.finished
  }
  const oweAck = () => {
    if (inbound.finished - acknowledged >= ACK_EVERY) ackToClientNow()
    else if (timer === undefined && inbound.finished > acknowledged) timer = backgroundTimeout(clock, ackToClientNow, options.ackDelay)
  }
  /** Position of the oldest buffered frame, minus one: what the client acknowledged. */
  const base = () => sent - frames.length
  const { journal } = options
  const lost = (err: unknown) => options.lost?.(err)
  const finished = (position: number) => {
    if (inbound.finish(position)) oweAck()
  }
  const keep = (frame: WireFrame) => {
    sent++
    frames.push(frame)
    bytes += byteLength(frame)
    return bytes <= options.maxBytes
  }
  /**
   * Journals each position the count moved over, in order (the journal's count is a prefix too). Each
   * step calls its frame back from its own reply, so frames whose replies come in one read still run
   * in position order, whatever the depth of the promise chains around them.
   */
  const journalStarts = (moved: { position: number; running: boolean }[]) => {
    for (const { position, running } of moved) {
      const counted = (ok: boolean) => {
        const then = counting.get(position)
        counting.delete(position)
        then?.(ok)
        // A frame that finished before the count reached it (the client's answer to our call) is done once counted.
        if (ok && !running) finished(position)
      }
      journal!.start(position, running).then(
        () => counted(true),
        (err: unknown) => {
          lost(err)
          counted(false)
        },
      )
    }
  }

  return {
    id,
    repeats,
    get page() {
      return page
    },
    get received() {
      return inbound.started
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
    arriveInbound: () => ({ position: inbound.arrive(), epoch: inbound.epoch }),
    startInbound(position, epoch, answers, counted) {
      // Admitted just before its connection went: it never starts, the client writes it again.
      if (epoch !== inbound.epoch) return counted(false)
      const moved = inbound.start(position, answers)
      if (!journal) {
        if (!answers) finished(position)
        counted(true)
        return
      }
      // Counted in the journal first: it runs (and the client hears it finished) only once the journal has it.
      counting.set(position, counted)
      journalStarts(moved)
    },
    finishInbound(position) {
      if (!journal) return finished(position)
      return journal.finish(position).then(() => finished(position), lost)
    },
    rewindInbound: () => inbound.rewind(),
    keepOutbound(frame, finishes) {
      if (!journal) {
        const kept = keep(frame)
        if (finishes !== undefined) finished(finishes)
        return kept
      }
      // Replies resolve in call order, so frames are numbered and written in the order they were pushed.
      return journal.push(toStored(frame), finishes).then(
        () => {
          const kept = keep(frame)
          if (finishes !== undefined) finished(finishes)
          return kept
        },
        (err: unknown) => {
          lost(err)
          return undefined
        },
      )
    },
    get doubts() {
      return doubts
    },
    doubtsHeard() {
      if (!doubts.length) return
      const heard = doubts
      doubts = []
      // The journal keeps them as running until now: a crash before this reports them again.
      if (journal) for (const position of heard) journal.finish(position).catch(lost)
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
      // The answer's `received` counts; an ack tells what finished: the next one is owed from scratch.
      acknowledged = 0
      stopAckTimer()
      oweAck()
    },
    stopAckTimer,
    state: (expires) => ({ id, received: inbound.started, sent, frames: frames.map(toStored), expires, marks: repeats.marks(), running: [...doubts, ...inbound.running] }),
    handOver: (expires) => journal?.release?.(expires),
    stopJournal(forget) {
      // Best effort: if the store is away, the session's keys expire at its ttl anyway.
      journal?.end(forget).catch(() => {})
    },
    owned: () => journal?.owned(),
  }
}
