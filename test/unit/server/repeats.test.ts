// A session's memory of keyed messages (src/server/repeats.ts): which `once` keys ran, per origin within
// a window below its highest number, and the answers of the latest keyed requests.
import { describe, expect, it } from 'vitest'
import { createRepeats, MAX_ANSWERS, MAX_ORIGINS, WINDOW } from '../../../src/server/messages/repeats'

describe('repeats: which keyed messages ran', () => {
  it('says a key ran once it was seen, per origin', () => {
    const repeats = createRepeats()
    expect(repeats.seen(['a', 1])).toBe(false)
    expect(repeats.seen(['a', 1])).toBe(true)
    expect(repeats.seen(['b', 1])).toBe(false)
    expect(repeats.seen(['a', 2])).toBe(false)
  })

  it('runs a number that arrives after higher ones (a gap), once, within the window', () => {
    const repeats = createRepeats()
    for (const n of [1, 2, 4, 5, 9]) expect(repeats.seen(['a', n])).toBe(false)
    // 3 never came (a `send` took it, or a call the old leader kept only in memory): when it comes, it runs.
    expect(repeats.seen(['a', 3])).toBe(false)
    expect(repeats.seen(['a', 3])).toBe(true)
    expect(repeats.seen(['a', 9 - WINDOW + 1])).toBe(false)
    // Further below the highest than the window: counted as run.
    expect(repeats.seen(['a', 9 + WINDOW])).toBe(false)
    expect(repeats.seen(['a', 6])).toBe(true)
  })

  it('keeps its memory bounded under a long stream, and still knows the recent numbers', () => {
    const repeats = createRepeats()
    for (let n = 1; n <= 10 * WINDOW; n++) repeats.seen(['a', n])
    const kept = repeats.marks().a!
    expect(kept).toHaveLength(WINDOW)
    expect(Math.min(...kept)).toBe(9 * WINDOW + 1)
    expect(repeats.seen(['a', 10 * WINDOW])).toBe(true)
  })

  it('forgets the least recently seen origin beyond its limit', () => {
    const repeats = createRepeats()
    for (let o = 0; o <= MAX_ORIGINS; o++) repeats.seen([`tab${o}`, 1])
    expect(Object.keys(repeats.marks())).toHaveLength(MAX_ORIGINS)
    expect(repeats.seen(['tab1', 1])).toBe(true)
    // tab0 was the least recent: forgotten, so its key runs again.
    expect(repeats.seen(['tab0', 1])).toBe(false)
  })

  it('carries what ran through the store: a new memory made from marks() knows the same keys', () => {
    const first = createRepeats()
    for (const n of [1, 2, 5]) first.seen(['a', n])
    const again = createRepeats(JSON.parse(JSON.stringify(first.marks())) as Record<string, number[]>)
    expect([1, 2, 5].map((n) => again.seen(['a', n]))).toEqual([true, true, true])
    expect(again.seen(['a', 3])).toBe(false)
  })
})

describe('repeats: answers of keyed requests', () => {
  it('remembers the latest answers, the oldest forgotten first', async () => {
    const repeats = createRepeats()
    for (let n = 1; n <= MAX_ANSWERS + 1; n++) repeats.keep(['a', n], Promise.resolve({ result: n }))
    expect(repeats.answer(['a', 1])).toBeUndefined()
    await expect(repeats.answer(['a', 2])).resolves.toEqual({ result: 2 })
    await expect(repeats.answer(['a', MAX_ANSWERS + 1])).resolves.toEqual({ result: MAX_ANSWERS + 1 })
    expect(repeats.answer(['b', 2])).toBeUndefined()
  })
})
