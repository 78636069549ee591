import { describe, expect, it, vi } from 'vitest'
import { createStream } from '../../../src/client/stream'

describe('stream', () => {
  it('hands queued values to the consumer in order, then ends', async () => {
    const stream = createStream<number>(() => {})
    stream.push(1)
    stream.push(2)
    stream.end()
    stream.push(3)
    const seen: number[] = []
    for await (const v of stream) seen.push(v)
    expect(seen).toEqual([1, 2])
  })

  it('wakes a waiting consumer on push and on end', async () => {
    const stream = createStream<string>(() => {})
    const first = stream.next()
    const second = stream.next()
    stream.push('a')
    stream.end()
    expect(await first).toEqual({ value: 'a', done: false })
    expect(await second).toEqual({ value: undefined, done: true })
    expect(await stream.next()).toEqual({ value: undefined, done: true })
  })

  it('keeps undefined as a value, not as the end', async () => {
    const stream = createStream<undefined>(() => {})
    stream.push(undefined)
    expect(await stream.next()).toEqual({ value: undefined, done: false })
  })

  it('calls onReturn once when the consumer breaks out, and drops the rest', async () => {
    const onReturn = vi.fn()
    const stream = createStream<number>(onReturn)
    for (const v of [1, 2, 3]) stream.push(v)
    for await (const v of stream) if (v === 1) break
    expect(onReturn).toHaveBeenCalledTimes(1)
    await stream.return?.()
    expect(onReturn).toHaveBeenCalledTimes(1)
    expect(await stream.next()).toEqual({ value: undefined, done: true })
  })

  it('does not call onReturn when the source ended it', async () => {
    const onReturn = vi.fn()
    const stream = createStream<number>(onReturn)
    stream.end()
    await stream.return?.()
    expect(onReturn).not.toHaveBeenCalled()
  })

  it('is its own async iterator', () => {
    const stream = createStream<number>(() => {})
    expect(stream[Symbol.asyncIterator]()).toBe(stream)
  })
})
