/**
 * A tab's outgoing frames toward the leader (docs/sharing.md, "Leader
 * hand-over"): each `call`, `notify` and `send` takes the tab's next number
 * (a call's number is its id in the tab's call table) and names the frame
 * sent before it (`prev`), so the hub can tell when one
 * went missing between tabs; frames stay here until a leader has taken them,
 * and pending calls until they are answered, so that a new leader gets them
 * all again, in order. Calls and notifications a leader took in the last
 * {@link RECENT} ms go to a new leader again too: the leader that took them
 * may have died before they left its socket, and before its stored copy was
 * visible to the next leader; their keys make the server run each once.
 * @module
 */
import type { TabBody } from './messages'

/** How long after a leader took a call or notification it still goes to a new leader, ms. @internal */
export const RECENT = 5000

/** A frame a tab sends to the leader's hub, numbered and kept until a leader takes it. @internal */
export type TabFrame = Extract<TabBody, { kind: 'call' | 'notify' | 'send' }>
/** A call's frame, kept until the call is answered. @internal */
export type TabCall = Extract<TabFrame, { kind: 'call' }>

/** @internal */
export interface Outgoing {
  /** Frames no leader has taken yet. */
  readonly queued: number
  /** Keep `body` (numbered) until a leader takes it, and send it now when there is a leader. */
  send(body: TabFrame): void
  /** A volatile `send`: numbered and sent once, never kept and never the `prev` of another. */
  sendOnce(data: unknown): void
  /** Keep a call until it is answered (it goes to every new leader until then). */
  pending(body: TabCall): void
  /** A leader took frame `seq`. */
  taken(seq: number): void
  /** Call `seq` was answered, cancelled or timed out: forget it. */
  done(seq: number): void
  /**
   * Whether frame `seq` waits for a leader and was never handed to one. A frame handed to a leader that
   * has not said it took it may have been written to the socket by that leader all the same.
   */
  unsent(seq: number): boolean
  /**
   * A new leader: every pending call goes to it too, taken or not, and every call or notification taken
   * within {@link RECENT} ms (keys make the server run each once).
   */
  handover(): void
  /** Every frame not taken, again and in order, as a new run: the first has no `prev`. */
  resend(): void
}

/**
 * `post` sends one frame to the current leader; false when there is none (the frame waits). `now` is
 * the tab's clock; `number` gives the tab's next frame number (rising, from 1).
 * @internal
 */
export function createOutgoing(post: (body: TabFrame) => boolean, now: () => number, number: () => number): Outgoing {
  // The last frame sent to the current leader (the `prev` of the next one); none at the start of a run.
  let lastSent: number | undefined
  // Frames sent to a leader and not taken yet (by seq, in order): a new leader gets them again.
  const unaccepted = new Map<number, TabFrame>()
  // The ones among them that no leader was ever handed (there was none when they were sent).
  const unsent = new Set<number>()
  // Every pending call's frame, for a hand-over.
  const calls = new Map<number, TabCall>()
  // Keyed frames (calls, notifications) a leader took, and when, oldest first: for a hand-over soon after.
  const recent = new Map<number, { body: TabFrame; at: number }>()
  const forgetOld = () => {
    for (const [taken, { at }] of recent) {
      if (at > now() - RECENT) return
      recent.delete(taken)
    }
  }

  /** A frame to the leader, chained to the one sent before it (so the hub can tell when one went missing). */
  const chained = (body: TabFrame) => {
    if (!post({ ...body, prev: lastSent })) return
    lastSent = body.seq
    unsent.delete(body.seq)
  }
  const forget = (seq: number) => {
    unaccepted.delete(seq)
    unsent.delete(seq)
  }

  return {
    get queued() {
      return unaccepted.size
    },
    send(body) {
      unaccepted.set(body.seq, body)
      unsent.add(body.seq)
      try {
        chained(body)
      } catch (err) {
        forget(body.seq)
        throw err
      }
    },
    sendOnce(data) {
      post({ kind: 'send', seq: number(), prev: lastSent, data, volatile: true })
    },
    pending: (body) => void calls.set(body.seq, body),
    taken(taken) {
      const body = unaccepted.get(taken)
      forget(taken)
      forgetOld()
      // A raw `send` carries no key: sent twice it would run twice, so it is not kept.
      if (body && body.kind !== 'send') recent.set(taken, { body, at: now() })
    },
    done(call) {
      forget(call)
      calls.delete(call)
      recent.delete(call)
    },
    unsent: (frame) => unsent.has(frame),
    handover() {
      forgetOld()
      for (const [taken, { body }] of recent) unaccepted.set(taken, body)
      recent.clear()
      for (const [call, body] of calls) unaccepted.set(call, body)
    },
    resend() {
      lastSent = undefined
      for (const body of [...unaccepted.values()].sort((a, b) => a.seq - b.seq)) chained(body)
    },
  }
}
