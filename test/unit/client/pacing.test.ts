// Pacing (docs/connection.md, "Pacing"): what the client's mirror of the server's token bucket lets
// through never empties the server's own bucket, whatever the timing of the writes.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createPacing, messagesIn, PACE_SHARE } from '../../../src/client/pacing'
import { createBucket } from '../../../src/server/connection/connection'
import type { Clock } from '../../../src/timers'

const manualClock = () => {
  let time = 1_000_000
  const clock: Clock = { now: () => time, setTimeout: () => undefined, clearTimeout: () => {} }
  return { clock, advance: (ms: number) => void (time += ms) }
}

describe('what the server charges for a frame', () => {
  it('is one per message of a batch and one for anything else', () => {
    expect(messagesIn('{"jsonrpc":"2.0","method":"a"}')).toBe(1)
    expect(messagesIn('[{"jsonrpc":"2.0","method":"a"},{"jsonrpc":"2.0","method":"b"},3]')).toBe(3)
    expect(messagesIn('  [1, 2]')).toBe(2)
    // The server charges a frame one on arrival, even an empty batch or one that does not parse.
    expect(messagesIn('[]')).toBe(1)
    expect(messagesIn('[1, 2')).toBe(1)
    expect(messagesIn(new Uint8Array([91, 49, 93]))).toBe(1)
  })
})

describe('pacing', () => {
  const limit = { rate: 100, burst: 50 }

  it('lets everything through when the server announced no limit', () => {
    const { clock } = manualClock()
    const pacing = createPacing(clock)
    pacing.opened()
    for (let i = 0; i < 10_000; i++) pacing.wrote('{}')
    expect(pacing.allows(undefined, '{}')).toBe(true)
  })

  it('holds frames once its share of the burst is spent, and lets them go as the bucket refills', () => {
    const { clock, advance } = manualClock()
    const pacing = createPacing(clock)
    pacing.opened()
    let written = 0
    while (pacing.allows(limit, '{}')) {
      pacing.wrote('{}')
      written++
    }
    expect(written).toBe(Math.floor(limit.burst * PACE_SHARE))
    // 1 / (rate × share) seconds buys one more message.
    advance(1000 / (limit.rate * PACE_SHARE) - 1)
    expect(pacing.allows(limit, '{}')).toBe(false)
    advance(1)
    expect(pacing.allows(limit, '{}')).toBe(true)
  })

  it('counts control frames written around it (a resubscribe batch) against the same bucket', () => {
    const { clock } = manualClock()
    const pacing = createPacing(clock)
    pacing.opened()
    pacing.wrote(JSON.stringify(Array.from({ length: 44 }, (_, id) => ({ jsonrpc: '2.0', id, method: 'rpc.subscribe' }))))
    expect(pacing.allows(limit, '{}')).toBe(true)
    pacing.wrote('{}')
    expect(pacing.allows(limit, '{}')).toBe(false)
  })

  it('starts every socket with a full bucket, as the server does', () => {
    const { clock } = manualClock()
    const pacing = createPacing(clock)
    pacing.opened()
    for (let i = 0; i < 45; i++) pacing.wrote('{}')
    expect(pacing.allows(limit, '{}')).toBe(false)
    pacing.opened()
    expect(pacing.allows(limit, '{}')).toBe(true)
  })

  it('lets a frame bigger than the whole budget go once the bucket is full, so it is not stuck forever', () => {
    const { clock, advance } = manualClock()
    const pacing = createPacing(clock)
    pacing.opened()
    const big = JSON.stringify(Array.from({ length: 80 }, () => 1))
    pacing.wrote('{}')
    expect(pacing.allows(limit, big)).toBe(false)
    advance(1000)
    expect(pacing.allows(limit, big)).toBe(true)
  })

  it('never lets the server bucket run dry, whatever the timing and the frames (against the server code)', () => {
    const step = fc.record({ wait: fc.integer({ min: 0, max: 50 }), members: fc.integer({ min: 1, max: 4 }) })
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 20, max: 2000 }), fc.array(step, { maxLength: 400 }), (rate, burst, steps) => {
        const { clock, advance } = manualClock()
        const announced = { rate, burst }
        const server = createBucket(announced, clock)
        const pacing = createPacing(clock)
        pacing.opened()
        for (const { wait, members } of steps) {
          advance(wait)
          const frame = members === 1 ? '{}' : JSON.stringify(Array.from({ length: members }, () => ({})))
          if (!pacing.allows(announced, frame)) continue
          pacing.wrote(frame)
          // The server takes one for the frame on arrival, then one per further member.
          expect(server.take(1) && (members === 1 || server.take(members - 1))).toBe(true)
        }
      }),
    )
  })
})
