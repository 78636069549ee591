import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { DRAIN_POLL } from '../../../src/socket/outbox'
import { fakeWriter, setup } from './fakes'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

const frames = (n: number) => Array.from({ length: n }, (_, i) => `f${i}--`) // 4 bytes each up to 9

it('stops above the high-water mark and resumes as the buffer drains', () => {
  const { outbox } = setup()
  for (const frame of frames(8)) outbox.push({ frame })
  const w = fakeWriter(10)
  outbox.attach(w.writer)
  // 0, 4 and 8 are at or under 10; after the third write bufferedAmount is 12.
  expect(w.frames()).toEqual(['f0--', 'f1--', 'f2--'])
  expect(outbox.size).toBe(5)

  vi.advanceTimersByTime(DRAIN_POLL) // still full: nothing moves, polling goes on
  expect(w.written).toHaveLength(3)
  expect(vi.getTimerCount()).toBe(1)

  w.state.buffered = 0 // the socket sent its buffer
  vi.advanceTimersByTime(DRAIN_POLL)
  expect(w.frames()).toEqual(frames(6))

  w.state.buffered = 0
  vi.advanceTimersByTime(DRAIN_POLL)
  expect(w.frames()).toEqual(frames(8))
  expect(outbox.size).toBe(0)
  expect(vi.getTimerCount()).toBe(0) // nothing left: no polling
})

it('queues new frames while the buffer is full and starts polling for them', () => {
  const { outbox } = setup()
  const w = fakeWriter(10)
  w.state.buffered = 11
  outbox.attach(w.writer)
  expect(vi.getTimerCount()).toBe(0)
  expect(outbox.push({ frame: 'a' })).toBe('queued')
  expect(outbox.push({ frame: 'b' })).toBe('queued')
  expect(vi.getTimerCount()).toBe(1)
  // Steady pushes must not keep pushing the poll back.
  vi.advanceTimersByTime(DRAIN_POLL - 1)
  outbox.push({ frame: 'c' })
  w.state.buffered = 0
  vi.advanceTimersByTime(1)
  expect(w.frames()).toEqual(['a', 'b', 'c'])
})

it('detach stops polling; the frames wait for the next socket', () => {
  const { outbox } = setup()
  for (const frame of frames(4)) outbox.push({ frame })
  const w = fakeWriter(0)
  outbox.attach(w.writer)
  expect(w.written).toHaveLength(1)
  outbox.detach(false)
  expect(vi.getTimerCount()).toBe(0)
  w.state.buffered = 0
  vi.advanceTimersByTime(10 * DRAIN_POLL)
  expect(w.written).toHaveLength(1)
  const next = fakeWriter()
  outbox.attach(next.writer)
  expect(next.frames()).toEqual(frames(4).slice(1))
})
