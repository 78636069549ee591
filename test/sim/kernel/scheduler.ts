/**
 * The simulation's one source of time and order: a virtual clock and a
 * queue of events, ordered by their time and, at equal times, by the order
 * they were scheduled (as Node and browsers order timers of equal delay).
 * Nothing here reads real time. Each event has an owner (a client, a server
 * process, the network, the world), so that a crash can cancel everything a
 * process had scheduled and the leak check can count what each one left.
 * @module
 */

/** One scheduled event. `fn` runs when the scheduler reaches it, unless cancelled first. */
export interface SimEvent {
  readonly at: number
  readonly seq: number
  readonly owner: string
  /** A short label for the trace: what kind of step this is. */
  readonly what: string
  /** Details for the trace, formatted only when a trace is printed. */
  readonly detail: string | undefined
  readonly fn: () => void
  cancelled: boolean
  /** True for a timer the code under test set (counted per owner for the leak check). */
  readonly timer: boolean
}

/** A binary min-heap of events by (at, seq): the order events run in. */
class EventHeap {
  private items: SimEvent[] = []
  get size() {
    return this.items.length
  }
  push(event: SimEvent) {
    const items = this.items
    items.push(event)
    let index = items.length - 1
    while (index > 0) {
      const parent = (index - 1) >> 1
      if (!before(event, items[parent]!)) break
      items[index] = items[parent]!
      index = parent
    }
    items[index] = event
  }
  pop(): SimEvent | undefined {
    const items = this.items
    const top = items[0]
    const last = items.pop()
    if (!top || !last || !items.length) return top
    let index = 0
    for (;;) {
      const left = 2 * index + 1
      if (left >= items.length) break
      const right = left + 1
      const child = right < items.length && before(items[right]!, items[left]!) ? right : left
      if (!before(items[child]!, last)) break
      items[index] = items[child]!
      index = child
    }
    items[index] = last
    return top
  }
  peek(): SimEvent | undefined {
    return this.items[0]
  }
}

const before = (a: SimEvent, b: SimEvent) => a.at < b.at || (a.at === b.at && a.seq < b.seq)

/** @internal */
export class Scheduler {
  /** Virtual milliseconds since the run began. */
  now = 0
  /** Whose code runs now: the owner of the event being run (and of the promise jobs it queued). */
  current = 'world'
  private readonly queue = new EventHeap()
  private seq = 0
  /** Timers set and neither run nor cancelled, per owner. */
  private readonly timers = new Map<string, number>()
  /** Owners whose events must never run again (a crashed process). */
  private readonly dead = new Set<string>()

  /** Schedules `fn` in `delay` ms (never in the past). */
  at(delay: number, owner: string, what: string, fn: () => void, detail?: string, timer = false): SimEvent {
    const event: SimEvent = { at: this.now + Math.max(0, delay), seq: this.seq++, owner, what, detail, fn, cancelled: false, timer }
    if (this.dead.has(owner)) {
      event.cancelled = true
      return event
    }
    if (timer) this.timers.set(owner, (this.timers.get(owner) ?? 0) + 1)
    this.queue.push(event)
    return event
  }

  cancel(event: SimEvent) {
    if (event.cancelled) return
    event.cancelled = true
    if (event.timer) this.untime(event.owner)
  }

  /** The next event to run, with the clock moved to its time; undefined when nothing is left. */
  next(): SimEvent | undefined {
    for (let event = this.queue.pop(); event; event = this.queue.pop()) {
      if (event.cancelled) continue
      if (this.dead.has(event.owner)) continue
      if (event.timer) this.untime(event.owner)
      this.now = event.at
      this.current = event.owner
      return event
    }
    return undefined
  }

  /** The next live event, without running it. */
  peek(): SimEvent | undefined {
    for (let event = this.queue.peek(); event; event = this.queue.peek()) {
      if (!event.cancelled && !this.dead.has(event.owner)) return event
      this.queue.pop()
    }
    return undefined
  }

  /** The time of the next live event, or undefined. */
  peekTime(): number | undefined {
    return this.peek()?.at
  }

  /** Everything `owner` scheduled is dropped, now and later (a SIGKILL). */
  kill(owner: string) {
    this.dead.add(owner)
    this.timers.delete(owner)
  }

  isDead(owner: string): boolean {
    return this.dead.has(owner)
  }

  /** Timers `owner` set that are still pending. */
  pendingTimers(owner: string): number {
    return this.timers.get(owner) ?? 0
  }

  private untime(owner: string) {
    const left = (this.timers.get(owner) ?? 1) - 1
    if (left > 0) this.timers.set(owner, left)
    else this.timers.delete(owner)
  }
}
