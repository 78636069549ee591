import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import fc from 'fast-check'
import { isQueueFullError } from '../../../src/errors'
import { systemClock } from '../../../src/timers'
import { fakeWriter, setup } from './fakes'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('outbox: order', () => {
  it('writes straight through when attached, empty and ready', () => {
    const { outbox } = setup()
    const w = fakeWriter()
    outbox.attach(w.writer)
    expect(outbox.push({ frame: 'a' })).toBe('sent')
    expect(w.frames()).toEqual(['a'])
    expect(outbox.size).toBe(0)
  })

  it('queues while detached and flushes in FIFO order on attach', () => {
    const { outbox } = setup()
    for (const f of ['a', 'b', 'c']) expect(outbox.push({ frame: f })).toBe('queued')
    expect(outbox.size).toBe(3)
    const w = fakeWriter()
    outbox.attach(w.writer)
    expect(w.frames()).toEqual(['a', 'b', 'c'])
    expect(outbox.size).toBe(0)
    expect(outbox.push({ frame: 'd' })).toBe('sent')
    expect(w.frames()).toEqual(['a', 'b', 'c', 'd'])
  })

  it('keeps order across detach and re-attach, and passes items through unchanged', () => {
    const { outbox } = setup()
    const first = fakeWriter()
    outbox.attach(first.writer)
    outbox.push({ frame: 'a' })
    outbox.detach(false)
    const call = { frame: 'b', call: 7 }
    outbox.push(call)
    outbox.push({ frame: 'c' })
    const second = fakeWriter()
    outbox.attach(second.writer)
    expect(first.frames()).toEqual(['a'])
    expect(second.written[0]).toBe(call)
    expect(second.frames()).toEqual(['b', 'c'])
  })

  it('queues behind a backlog instead of jumping it', () => {
    const { outbox } = setup()
    const w = fakeWriter(10)
    w.state.buffered = 11 // not ready
    outbox.attach(w.writer)
    expect(outbox.push({ frame: 'a' })).toBe('queued')
    w.state.buffered = 0
    // Ready again, but 'a' waits: 'b' must not overtake it.
    outbox.push({ frame: 'b' })
    expect(w.frames()).toEqual(['a', 'b'])
  })
})

describe('outbox: bounds and overflow', () => {
  it.each([
    ['drop-oldest', 'queued', 'a', ['b', 'c']],
    ['drop-newest', 'dropped', 'c', ['a', 'b']],
  ] as const)('%s at maxMessages: push says %s, drops %s with reason overflow', (overflow, result, dropped, left) => {
    const { outbox, drops } = setup({ maxMessages: 2, overflow })
    outbox.push({ frame: 'a' })
    outbox.push({ frame: 'b' })
    expect(outbox.push({ frame: 'c' })).toBe(result)
    expect(drops).toEqual([{ frames: [dropped], reason: 'overflow' }])
    const w = fakeWriter()
    outbox.attach(w.writer)
    expect(w.frames()).toEqual(left)
  })

  it('drop-oldest drops as many as the bytes need', () => {
    const { outbox, drops } = setup({ maxBytes: 10 })
    for (const f of ['aaa', 'bbb', 'ccc']) outbox.push({ frame: f })
    outbox.push({ frame: 'dddddddd' })
    expect(drops).toEqual([{ frames: ['aaa', 'bbb', 'ccc'], reason: 'overflow' }])
    expect(outbox.size).toBe(1)
  })

  it("'error' throws QueueFullError and leaves the queue alone", () => {
    const { outbox, drops } = setup({ maxBytes: 4, overflow: 'error' })
    outbox.push({ frame: 'abc' })
    let caught: unknown
    try {
      outbox.push({ frame: 'de' })
    } catch (err) {
      caught = err
    }
    expect(isQueueFullError(caught)).toBe(true)
    expect(drops).toEqual([])
    expect(outbox.size).toBe(1)
    expect(outbox.push({ frame: 'd' })).toBe('queued')
  })

  it('drops (or refuses) a single frame bigger than maxBytes, keeping the queue', () => {
    const oldest = setup({ maxBytes: 4 })
    oldest.outbox.push({ frame: 'ab' })
    expect(oldest.outbox.push({ frame: 'abcde' })).toBe('dropped')
    expect(oldest.drops).toEqual([{ frames: ['abcde'], reason: 'overflow' }])
    expect(oldest.outbox.size).toBe(1)
    const strict = setup({ maxBytes: 4, overflow: 'error' })
    expect(() => strict.outbox.push({ frame: 'abcde' })).toThrow(/queue full/)
  })

  it('sends an oversize frame when it need not be queued', () => {
    const { outbox } = setup({ maxBytes: 4 })
    const w = fakeWriter()
    outbox.attach(w.writer)
    expect(outbox.push({ frame: 'abcdefgh' })).toBe('sent')
  })

  // 200 outboxes built for 100 generated strings: seconds on a loaded machine, so a generous timeout.
  it('counts text frames by UTF-8 length', { timeout: 60_000 }, () => {
    const encoder = new TextEncoder()
    fc.assert(fc.property(fc.string({ unit: 'binary', minLength: 1 }), (s) => {
      const bytes = encoder.encode(s).length
      expect(setup({ maxBytes: bytes }).outbox.push({ frame: s })).toBe('queued')
      if (bytes > 1) expect(setup({ maxBytes: bytes - 1 }).outbox.push({ frame: s })).toBe('dropped')
    }))
  })

  it('counts binary frames by byteLength or size', () => {
    const frames = [new ArrayBuffer(3), new Uint16Array(2), new DataView(new ArrayBuffer(5), 1, 3), new Blob(['abc'])]
    for (const frame of frames) {
      expect(setup({ maxBytes: 4 }).outbox.push({ frame })).toBe('queued')
      expect(setup({ maxBytes: 2 }).outbox.push({ frame })).toBe('dropped')
    }
    const { outbox, drops } = setup({ maxBytes: 6 })
    outbox.push({ frame: new Uint8Array(4) })
    outbox.push({ frame: new Uint8Array(2) })
    expect(drops).toEqual([])
    outbox.push({ frame: 'x' })
    expect(drops[0]?.frames[0]).toBeInstanceOf(Uint8Array)
  })
})

describe('outbox: ttl', () => {
  it('drops expired frames even while never attached, one timer at a time', () => {
    const { outbox, drops } = setup({ ttl: 1000 })
    outbox.push({ frame: 'a' })
    vi.advanceTimersByTime(400)
    outbox.push({ frame: 'b' })
    outbox.push({ frame: 'c' })
    expect(vi.getTimerCount()).toBe(1)
    vi.advanceTimersByTime(599)
    expect(drops).toEqual([])
    vi.advanceTimersByTime(1)
    expect(drops).toEqual([{ frames: ['a'], reason: 'expired' }])
    vi.advanceTimersByTime(400)
    expect(drops).toEqual([{ frames: ['a'], reason: 'expired' }, { frames: ['b', 'c'], reason: 'expired' }])
    expect(outbox.size).toBe(0)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('re-arms for the next head after a flush', () => {
    const { outbox, drops } = setup({ ttl: 1000 })
    outbox.push({ frame: 'a' })
    vi.advanceTimersByTime(500)
    outbox.push({ frame: 'b' })
    const w = fakeWriter(0)
    outbox.attach(w.writer) // writes 'a', then the buffer is full
    outbox.detach(false)
    expect(w.frames()).toEqual(['a'])
    vi.advanceTimersByTime(999)
    expect(drops).toEqual([])
    vi.advanceTimersByTime(1)
    expect(drops).toEqual([{ frames: ['b'], reason: 'expired' }])
  })

  it('does not re-arm its timer for every frame', () => {
    const clock = { ...systemClock, setTimeout: vi.fn(systemClock.setTimeout) }
    const { outbox } = setup({ ttl: 1000 }, clock)
    for (let i = 0; i < 100; i++) outbox.push({ frame: `f${i}` })
    expect(clock.setTimeout).toHaveBeenCalledTimes(1)
  })

  it('sets no timer without a ttl', () => {
    const { outbox } = setup()
    outbox.push({ frame: 'a' })
    expect(vi.getTimerCount()).toBe(0)
  })
})

describe('outbox: remove', () => {
  it('never writes a removed call and stops counting it', () => {
    const { outbox, drops } = setup({ maxMessages: 2, overflow: 'drop-newest' })
    outbox.push({ frame: 'a', call: 1 })
    outbox.push({ frame: 'b', call: 2 })
    outbox.remove(1)
    outbox.remove(99) // unknown: no-op
    expect(outbox.size).toBe(1)
    expect(outbox.push({ frame: 'c' })).toBe('queued')
    const w = fakeWriter()
    outbox.attach(w.writer)
    expect(w.frames()).toEqual(['b', 'c'])
    expect(drops).toEqual([])
    outbox.remove(2) // already written: no-op
    expect(outbox.size).toBe(0)
  })

  it('writes straight through when only removed calls are left', () => {
    const { outbox } = setup()
    outbox.push({ frame: 'a', call: 1 })
    outbox.remove(1)
    const w = fakeWriter()
    outbox.attach(w.writer)
    expect(outbox.push({ frame: 'b' })).toBe('sent')
    expect(w.frames()).toEqual(['b'])
  })

  it('leaves removed calls out of drops and expiry', () => {
    const { outbox, drops } = setup({ ttl: 100 })
    outbox.push({ frame: 'a', call: 1 })
    outbox.push({ frame: 'b' })
    outbox.remove(1)
    vi.advanceTimersByTime(100)
    expect(drops).toEqual([{ frames: ['b'], reason: 'expired' }])
  })
})

describe('outbox: close', () => {
  it("'flush' writes what it can when attached, then drops the rest as closed", () => {
    const { outbox, drops } = setup()
    for (const f of ['aa', 'bb', 'cc']) outbox.push({ frame: f })
    const w = fakeWriter(2)
    w.state.buffered = 3
    outbox.attach(w.writer)
    w.state.buffered = 0
    outbox.close() // writes 'aa' (0 <= 2), 'bb' (2 <= 2), then 4 > 2
    expect(w.frames()).toEqual(['aa', 'bb'])
    expect(drops).toEqual([{ frames: ['cc'], reason: 'closed' }])
    expect(vi.getTimerCount()).toBe(0)
  })

  it("'flush' drops everything as closed when detached", () => {
    const { outbox, drops } = setup({ ttl: 1000 })
    outbox.push({ frame: 'a' })
    outbox.push({ frame: 'b', call: 1 })
    outbox.close()
    expect(drops).toEqual([{ frames: ['a', 'b'], reason: 'closed' }])
    expect(outbox.size).toBe(0)
    expect(vi.getTimerCount()).toBe(0)
  })

  it("'discard' writes nothing and drops everything as closed", () => {
    const { outbox, drops } = setup({ onClose: 'discard' })
    outbox.push({ frame: 'a' })
    const w = fakeWriter(0)
    w.state.buffered = 1
    outbox.attach(w.writer)
    w.state.buffered = 0
    outbox.close()
    expect(w.frames()).toEqual([])
    expect(drops).toEqual([{ frames: ['a'], reason: 'closed' }])
    expect(vi.getTimerCount()).toBe(0)
  })

  it('reports nothing when closed empty', () => {
    const { outbox, drops } = setup()
    outbox.close()
    expect(drops).toEqual([])
  })
})
