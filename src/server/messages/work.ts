/**
 * Flow control for one client's application messages (issue #19): at most
 * `maxInFlight` run at once; the ones after them wait, in arrival order, in
 * a FIFO of `maxQueued`, and start as slots free up. Only a request that
 * finds the FIFO full is refused (the caller answers it -32000). Protocol
 * messages (ping, session, ack, subscribe, unsubscribe) never come here.
 * What waits can be cancelled: the connection it came on is gone, or its
 * session leaves this process; it never starts here, and since a session
 * counts a frame only when it starts (sessions/inbound-count.ts), its client
 * writes it again wherever it resumes.
 * @module
 */

/**
 * What {@link WorkQueue.admit} decided. `'now'`: a slot was free and is taken. A promise: the
 * message waits its turn; true once it starts (its slot taken), false if the wait was cancelled.
 * `'refused'`: the FIFO is full.
 * @internal
 */
export type Admission = 'now' | 'refused' | Promise<boolean>

/** @internal */
export interface WorkQueue {
  /**
   * Ask to start one message. `'refused'`: only for a `refusable` message (a request, whose error
   * answer carries the refusal), when the FIFO is full. Notifications are never refused: with no
   * answer, a refusal would lose them silently; they wait in the FIFO even beyond `maxQueued`.
   */
  admit(refusable: boolean): Admission
  /** A started message finished: its slot goes to the oldest waiting one. */
  release(): void
  /** Every waiting message is given up: its admission resolves false, and it never starts. */
  cancel(): void
  /** Messages running now. */
  readonly running: number
  /** Messages waiting for a slot. */
  readonly queued: number
}

/** @internal */
export function createWorkQueue(maxInFlight: number, maxQueued: number): WorkQueue {
  let waiting: ((started: boolean) => void)[] = []
  let running = 0

  return {
    admit(refusable) {
      // Anything already waiting goes first, so messages start in the order they arrived.
      if (running < maxInFlight && !waiting.length) {
        running++
        return 'now'
      }
      if (refusable && waiting.length >= maxQueued) return 'refused'
      return new Promise<boolean>((start) => waiting.push(start))
    },
    release() {
      const next = waiting.shift()
      // The slot passes straight to the next message: `running` does not change.
      if (next) next(true)
      else running--
    },
    cancel() {
      const given = waiting
      waiting = []
      for (const start of given) start(false)
    },
    get running() {
      return running
    },
    get queued() {
      return waiting.length
    },
  }
}
