/**
 * Flow control for one client's application messages (issue #19): at most
 * `maxInFlight` run at once; the ones after them wait, in arrival order, in
 * a FIFO of `maxQueued`, and start as slots free up. Only a request that
 * finds the FIFO full is refused (the caller answers it -32000). Protocol
 * messages (ping, session, ack, subscribe, unsubscribe) never come here.
 * @module
 */

/** What {@link WorkQueue.admit} decided. @internal */
export type Admission = 'now' | 'refused' | Promise<void>

/** @internal */
export interface WorkQueue {
  /**
   * Ask to start one message. `'now'`: a slot was free and is taken. A promise: the message
   * waits its turn; the slot is taken when it resolves. `'refused'`: only for a `refusable`
   * message (a request, whose error answer carries the refusal), when the FIFO is full.
   * Notifications are never refused: with no answer, a refusal would lose them silently; they
   * wait in the FIFO even beyond `maxQueued`.
   */
  admit(refusable: boolean): Admission
  /** A started message finished: its slot goes to the oldest waiting one. */
  release(): void
  /** Messages running now. */
  readonly running: number
  /** Messages waiting for a slot. */
  readonly queued: number
}

/** @internal */
export function createWorkQueue(maxInFlight: number, maxQueued: number): WorkQueue {
  const waiting: (() => void)[] = []
  let running = 0

  return {
    admit(refusable) {
      // Anything already waiting goes first, so messages start in the order they arrived.
      if (running < maxInFlight && !waiting.length) {
        running++
        return 'now'
      }
      if (refusable && waiting.length >= maxQueued) return 'refused'
      return new Promise<void>((resolve) => waiting.push(resolve))
    },
    release() {
      const next = waiting.shift()
      // The slot passes straight to the next message: `running` does not change.
      if (next) next()
      else running--
    },
    get running() {
      return running
    },
    get queued() {
      return waiting.length
    },
  }
}
