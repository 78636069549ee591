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
  const waiting: ((result: IteratorResult<T>) => void)[] = []
  const done = { value: undefined, done: true } as const
  let ended = false
  const stream: Stream<T> = {
    push(value) {
      if (ended) return
      const wake = waiting.shift()
      if (wake) wake({ value, done: false })
      else queue.push(value)
    },
    end() {
      ended = true
      for (const wake of waiting.splice(0)) wake(done)
    },
    next: () =>
      queue.length
        ? Promise.resolve({ value: queue.shift() as T, done: false })
        : ended
          ? Promise.resolve(done)
          : new Promise((resolve) => waiting.push(resolve)),
    return() {
      queue.length = 0
      if (!ended) {
        stream.end()
        onReturn()
      }
      return Promise.resolve(done)
    },
    [Symbol.asyncIterator]: () => stream,
  }
  return stream
}
