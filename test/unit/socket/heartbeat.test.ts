import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createHeartbeat } from '../../../src/socket/heartbeat'
import { systemClock } from '../../../src/timers'

const setup = (interval = 1000, timeout = 400) => {
  const ping = vi.fn()
  const dead = vi.fn()
  const hb = createHeartbeat({ interval, timeout }, systemClock, ping, dead)
  return { hb, ping, dead }
}
/** The tab was throttled or the laptop slept: wall time jumps, timers have not run yet. */
const throttle = (ms: number) => vi.setSystemTime(Date.now() + ms)

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('heartbeat', () => {
  it('does not touch a timer per inbound frame, and still pings an interval after the last one', () => {
    const set = vi.spyOn(systemClock, 'setTimeout')
    const { hb, ping } = setup()
    set.mockClear()
    for (let t = 0; t < 900; t += 1) {
      hb.seen()
      vi.advanceTimersByTime(1)
    }
    // Frames only stamp the time; the one pending timer re-arms itself when it finds recent traffic.
    expect(set.mock.calls.length).toBeLessThanOrEqual(2)
    // The last frame came 1 ms ago.
    vi.advanceTimersByTime(998)
    expect(ping).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1)
    expect(ping).toHaveBeenCalledTimes(1)
    set.mockRestore()
  })

  it('pings after interval of silence and declares death after timeout more', () => {
    const { ping, dead } = setup()
    vi.advanceTimersByTime(999)
    expect(ping).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1)
    expect(ping).toHaveBeenCalledTimes(1)
    vi.advanceTimersByTime(399)
    expect(dead).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1)
    expect(dead).toHaveBeenCalledTimes(1)
  })

  it('any inbound frame restarts the silence interval, even after a ping', () => {
    const { hb, ping, dead } = setup()
    vi.advanceTimersByTime(1000)
    hb.seen()
    vi.advanceTimersByTime(999)
    expect(dead).not.toHaveBeenCalled()
    expect(ping).toHaveBeenCalledTimes(1)
    vi.advanceTimersByTime(1)
    expect(ping).toHaveBeenCalledTimes(2)
  })

  it('a busy connection never pings', () => {
    const { hb, ping } = setup()
    for (let i = 0; i < 50; i++) {
      vi.advanceTimersByTime(900)
      hb.seen()
    }
    expect(ping).not.toHaveBeenCalled()
  })

  it('probe() pings now and waits timeout', () => {
    const { hb, ping, dead } = setup()
    hb.probe()
    expect(ping).toHaveBeenCalledTimes(1)
    vi.advanceTimersByTime(400)
    expect(dead).toHaveBeenCalledTimes(1)
  })

  it('stop() clears its timer', () => {
    const { hb, ping, dead } = setup()
    hb.stop()
    expect(vi.getTimerCount()).toBe(0)
    vi.advanceTimersByTime(10_000)
    expect(ping).not.toHaveBeenCalled()
    expect(dead).not.toHaveBeenCalled()
  })

  it('a late timeout timer (throttled tab) probes again instead of declaring death', () => {
    const { hb, ping, dead } = setup()
    vi.advanceTimersByTime(1000)
    expect(ping).toHaveBeenCalledTimes(1)
    throttle(60_000)
    vi.advanceTimersByTime(400)
    expect(dead).not.toHaveBeenCalled()
    expect(ping).toHaveBeenCalledTimes(2)
    // The reply to the second probe proves life.
    hb.seen()
    vi.advanceTimersByTime(999)
    expect(dead).not.toHaveBeenCalled()
  })

  it('after a late timer, silence on time is still death', () => {
    const { ping, dead } = setup()
    vi.advanceTimersByTime(1000)
    throttle(60_000)
    vi.advanceTimersByTime(400)
    expect(ping).toHaveBeenCalledTimes(2)
    vi.advanceTimersByTime(400)
    expect(dead).toHaveBeenCalledTimes(1)
  })

  it('a timer late by at most timeout/2 is trusted', () => {
    const { dead } = setup()
    vi.advanceTimersByTime(1000)
    throttle(200)
    vi.advanceTimersByTime(400)
    expect(dead).toHaveBeenCalledTimes(1)
  })
})
