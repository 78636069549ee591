/**
 * A session's count of the client's tracked frames (docs/protocol.md,
 * "Sessions", and docs/scaling.md, "Sessions after a crash"). Each frame
 * takes the next position when it arrives; it is *counted* only when it
 * starts (its method is admitted and may have effects), and frames start in
 * position order, so the count is a prefix: what the handshake tells the
 * client (`received`). A frame is *finished* once its effects and its answer
 * are done (written through to the store first, when there is one); every
 * frame up to `finished` is, and that is what `rpc.ack` tells the client,
 * which holds each frame until then. Started and not finished: `running`,
 * the only frames a crash can leave in doubt. A frame that arrived and did
 * not start is not counted: if its socket goes, the client writes it again.
 * @module
 */

/** @internal */
export interface InboundCount {
  /** Frames counted: every position up to this one started. */
  readonly started: number
  /** Every position up to this one finished. */
  readonly finished: number
  /** Positions started and not finished, oldest first. */
  readonly running: number[]
  /**
   * Moves on at every {@link InboundCount.rewind}: a frame that arrived before it can no longer start
   * (its position is another frame's now), even if it was admitted just before.
   */
  readonly epoch: number
  /** A tracked frame arrived: its position. */
  arrive(): number
  /**
   * The frame at `position` started; `answers`: it has effects or an answer that a crash could lose.
   * Returns the positions the count moved over, in order, each with whether it is still running (a
   * frame that finished before the count reached it is not).
   */
  start(position: number, answers: boolean): { position: number; running: boolean }[]
  /** The frame at `position` finished. True when `finished` moved. */
  finish(position: number): boolean
  /** True once the frame at `position` was counted. */
  counted(position: number): boolean
  /** Frames that arrived and did not start are given up (their socket is gone): positions go on from `started`. */
  rewind(): void
}

type State = 'arrived' | 'started' | 'finished'

/** A count that continues one kept in a store (`received`, and the frames then `running`). @internal */
export function createInboundCount(received = 0, running: readonly number[] = []): InboundCount {
  let arrived = received
  let started = received
  let epoch = 0
  // Below the oldest frame still running: settle() only moves it up.
  let finished = running.length ? Math.min(received, Math.min(...running) - 1) : received
  // Positions above `finished` and what became of them.
  const states = new Map<number, State>()
  const answering = new Set<number>()
  for (const position of running) {
    states.set(position, 'started')
    answering.add(position)
  }
  const lowestRunning = () => {
    let lowest = started + 1
    for (const position of answering) lowest = Math.min(lowest, position)
    return lowest
  }
  const settle = () => {
    const before = finished
    const limit = Math.min(started, lowestRunning() - 1)
    while (finished < limit) {
      finished++
      states.delete(finished)
    }
    return finished > before
  }
  settle()

  return {
    get started() {
      return started
    },
    get finished() {
      return finished
    },
    get running() {
      return [...answering].sort((a, b) => a - b)
    },
    get epoch() {
      return epoch
    },
    arrive() {
      arrived++
      states.set(arrived, 'arrived')
      return arrived
    },
    start(position, answers) {
      if (states.get(position) !== 'arrived') return []
      states.set(position, 'started')
      if (answers) answering.add(position)
      const moved: { position: number; running: boolean }[] = []
      while (states.get(started + 1) === 'started' || states.get(started + 1) === 'finished') {
        started++
        moved.push({ position: started, running: answering.has(started) })
      }
      return moved
    },
    finish(position) {
      const state = states.get(position)
      if (state === undefined || state === 'arrived') return false
      states.set(position, 'finished')
      answering.delete(position)
      return settle()
    },
    counted: (position) => position <= started,
    rewind() {
      epoch++
      for (let position = started + 1; position <= arrived; position++) {
        states.delete(position)
        answering.delete(position)
      }
      arrived = started
    },
  }
}
