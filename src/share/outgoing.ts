/**
 * A tab's outgoing frames toward the leader (docs/sharing.md, "Leader
 * hand-over"): each `call`, `notify` and `send` takes the tab's next number
 * and names the frame sent before it (`prev`), so the hub can tell when one
 * went missing between tabs; frames stay here until a leader has taken them,
 * and pending calls until they are answered, so that a new leader gets them
 * all again, in order.
 * @module
 */
import type { TabBody } from './messages'

/** A frame a tab sends to the leader's hub. @internal */
export type Frame = Extract<TabBody, { kind: 'call' | 'notify' | 'send' }>
type CallFrame = Extract<Frame, { kind: 'call' }>

/** @internal */
export interface Outgoing {
  /** Frames no leader has taken yet. */
  readonly queued: number
  /** The tab's next frame number. */
  number(): number
  /** Keep `body` (numbered) until a leader takes it, and send it now when there is a leader. */
  send(body: Frame): void
  /** A volatile `send`: numbered and sent once, never kept and never the `prev` of another. */
  sendOnce(data: unknown): void
  /** Keep a call until it is answered (it goes to every new leader until then). */
  pending(body: CallFrame): void
  /** A leader took frame `seq`. */
  taken(seq: number): void
  /** Call `seq` was answered, cancelled or timed out: forget it. */
  done(seq: number): void
  /** Whether frame `seq` waits for a leader to take it. */
  waiting(seq: number): boolean
  /** A new leader: every pending call goes to it too, taken or not (keys make the server run each once). */
  handover(): void
  /** Every frame not taken, again and in order, as a new run: the first has no `prev`. */
  resend(): void
}

/** `post` sends one frame to the current leader; false when there is none (the frame waits). @internal */
export function createOutgoing(post: (body: Frame) => boolean): Outgoing {
  let seq = 0
  // The last frame sent to the current leader (the `prev` of the next one); none at the start of a run.
  let lastSent: number | undefined
  // Frames sent to a leader and not taken yet (by seq, in order): a new leader gets them again.
  const unaccepted = new Map<number, Frame>()
  // Every pending call's frame, for a hand-over.
  const calls = new Map<number, CallFrame>()

  /** A frame to the leader, chained to the one sent before it (so the hub can tell when one went missing). */
  const chained = (body: Frame) => {
    if (post({ ...body, prev: lastSent })) lastSent = body.seq
  }

  return {
    get queued() {
      return unaccepted.size
    },
    number: () => ++seq,
    send(body) {
      unaccepted.set(body.seq, body)
      try {
        chained(body)
      } catch (err) {
        unaccepted.delete(body.seq)
        throw err
      }
    },
    sendOnce(data) {
      post({ kind: 'send', seq: ++seq, prev: lastSent, data, volatile: true })
    },
    pending: (body) => void calls.set(body.seq, body),
    taken: (taken) => void unaccepted.delete(taken),
    done(call) {
      unaccepted.delete(call)
      calls.delete(call)
    },
    waiting: (frame) => unaccepted.has(frame),
    handover() {
      for (const [call, body] of calls) unaccepted.set(call, body)
    },
    resend() {
      lastSent = undefined
      for (const body of [...unaccepted.values()].sort((a, b) => a.seq - b.seq)) chained(body)
    },
  }
}
