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
   * Returns how many positions the count moved over: `started - moved + 1` to `started`, each still
   * running or not ({@link InboundCount.isRunning}: a frame that finished before the count reached it is
   * not). A number, not a list, so that a frame allocates nothing here.
   */
  start(position: number, answers: boolean): number
  /** True while the frame at `position` started with effects or an answer and did not finish. */
  isRunning(position: number): boolean
  /** The frame at `position` finished. True when `finished` moved. */
  finish(position: number): boolean
  /** True once the frame at `position` was counted. */
  counted(position: number): boolean
  /** Frames that arrived and did not start are given up (their socket is gone): positions go on from `started`. */
  rewind(): void
}

type State = 'arrived' | 'started' | 'finished'

const none: ReadonlySet<number> = new Set()

/**
 * An {@link InboundCount}: a class, so that an idle session's count is one small object with its
 * methods on the prototype; its map of positions and its set of running frames are made when the
 * first frame arrives (or a restored count has frames running).
 */
class Count implements InboundCount {
  private arrived: number
  started: number
  /** Below the oldest frame still running: settle() only moves it up. */
  finished: number
  epoch = 0
  /** Positions above `finished` and what became of them. */
  private states: Map<number, State> | undefined = undefined
  /** Positions started with effects or an answer, not finished. */
  private answering: Set<number> | undefined = undefined

  constructor(received: number, running: readonly number[]) {
    this.arrived = received
    this.started = received
    this.finished = running.length ? Math.min(received, Math.min(...running) - 1) : received
    for (const position of running) {
      this.stateMap().set(position, 'started')
      this.runningSet().add(position)
    }
    this.settle()
  }

  private stateMap(): Map<number, State> {
    this.states ??= new Map()
    return this.states
  }
  private runningSet(): Set<number> {
    this.answering ??= new Set()
    return this.answering
  }
  /**
   * Moves `finished` up to the first frame still running (or to `started`). Every running position is
   * above `finished`, so walking up from it finds the same place as the lowest running one would, and
   * each position is walked over once in the count's life, not once per frame that finishes.
   */
  private settle(): boolean {
    const before = this.finished
    const { answering } = this
    while (this.finished < this.started && !answering?.has(this.finished + 1)) {
      this.finished++
      this.states?.delete(this.finished)
    }
    return this.finished > before
  }
  get running(): number[] {
    return [...(this.answering ?? none)].sort((a, b) => a - b)
  }
  arrive(): number {
    this.arrived++
    this.stateMap().set(this.arrived, 'arrived')
    return this.arrived
  }
  start(position: number, answers: boolean): number {
    const states = this.stateMap()
    if (states.get(position) !== 'arrived') return 0
    states.set(position, 'started')
    if (answers) this.runningSet().add(position)
    const before = this.started
    let next = states.get(before + 1)
    while (next === 'started' || next === 'finished') {
      this.started++
      next = states.get(this.started + 1)
    }
    return this.started - before
  }
  isRunning(position: number): boolean {
    return !!this.answering?.has(position)
  }
  finish(position: number): boolean {
    const state = this.states?.get(position)
    if (state === undefined || state === 'arrived') return false
    this.stateMap().set(position, 'finished')
    this.answering?.delete(position)
    return this.settle()
  }
  counted(position: number): boolean {
    return position <= this.started
  }
  rewind(): void {
    this.epoch++
    for (let position = this.started + 1; position <= this.arrived; position++) {
      this.states?.delete(position)
      this.answering?.delete(position)
    }
    this.arrived = this.started
  }
}

/** A count that continues one kept in a store (`received`, and the frames then `running`). @internal */
export function createInboundCount(received = 0, running: readonly number[] = []): InboundCount {
  return new Count(received, running)
}
