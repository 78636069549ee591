import { describe, expect, it } from 'vitest'
import { createInboundCount } from '../../../src/server/sessions/inbound-count'

describe("a session's count of the client's frames", () => {
  it('counts a frame when it starts, not when it arrives: frames waiting for a slot are not counted', () => {
    const count = createInboundCount()
    const [first, second, third] = [count.arrive(), count.arrive(), count.arrive()]
    expect([first, second, third]).toEqual([1, 2, 3])
    expect(count.started).toBe(0)
    expect(count.start(first, true)).toBe(1)
    expect(count.isRunning(first)).toBe(true)
    expect([count.started, count.finished, count.running]).toEqual([1, 0, [1]])
  })

  it('is a prefix: a frame that starts early (an answer to our call) counts once those before it started', () => {
    const count = createInboundCount()
    const call = count.arrive()
    const answer = count.arrive()
    expect(count.start(answer, false)).toBe(0)
    expect(count.started).toBe(0)
    // The count moves over both: the call still runs, the answer never ran.
    expect(count.start(call, true)).toBe(2)
    expect(count.started).toBe(2)
    expect([count.isRunning(call), count.isRunning(answer)]).toEqual([true, false])
  })

  it('finishes in any order, acknowledging only up to the first frame still running', () => {
    const count = createInboundCount()
    for (let n = 1; n <= 3; n++) count.start(count.arrive(), true)
    expect(count.finish(2)).toBe(false)
    expect([count.finished, count.running]).toEqual([0, [1, 3]])
    expect(count.finish(1)).toBe(true)
    expect([count.finished, count.running]).toEqual([2, [3]])
    count.finish(3)
    expect(count.finished).toBe(3)
  })

  it('rewinds what arrived and never started when its socket goes: the client writes it again at the same positions', () => {
    const count = createInboundCount()
    count.start(count.arrive(), true)
    count.arrive()
    count.arrive()
    count.rewind()
    expect(count.arrive()).toBe(2)
    expect(count.started).toBe(1)
  })

  it('continues a kept count, with the frames that were running when it was kept', () => {
    const count = createInboundCount(10, [9, 10])
    expect([count.started, count.finished, count.running]).toEqual([10, 8, [9, 10]])
    expect(count.arrive()).toBe(11)
    count.finish(9)
    count.finish(10)
    expect(count.finished).toBe(10)
  })

  it('ignores a start of a frame that did not arrive, or started already', () => {
    const count = createInboundCount()
    const position = count.arrive()
    count.start(position, true)
    expect(count.start(position, true)).toBe(0)
    expect(count.start(7, true)).toBe(0)
    expect(count.finish(7)).toBe(false)
  })
})
