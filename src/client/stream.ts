/**
 * Push-to-pull: turns handler calls into an async iterator for `for await`.
 * @module
 */

/** An async iterator fed by `push`. @internal */
export interface Stream<T> extends AsyncIterableIterator<T> {
  /** Queue a value; ignored once ended. Values wait (unbounded) until the consumer pulls them. */
  push(value: T): void
  /** End the stream: the consumer still gets what was queued, then `done`. */
  end(): void
}

/**
 * @param onReturn called when the consumer stops early (`break`, `return`,
 *   a throw in the loop body), so the source can unlisten or unsubscribe
 * @internal
 */
export function createStream<T>(onReturn: () => void): Stream<T> {
  const queue: T[] = []
  let wake: (() => void) | undefined
  let ended = false
  // An async generator queues concurrent `next()` calls and runs `finally` on an early `return()`.
  const pull = async function* () {
    try {
      for (;;) {
        if (queue.length) yield queue.shift() as T
        else if (ended) return
        else await new Promise<void>((resolve) => (wake = resolve))
      }
    } finally {
      // Not ended by the source: the consumer left early.
      if (!ended) {
        ended = true
        onReturn()
      }
    }
  }
  return Object.assign(pull(), {
    push(value: T) {
      if (ended) return
      queue.push(value)
      wake?.()
    },
    end() {
      ended = true
      wake?.()
    },
  })
}
