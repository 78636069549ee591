// Smoke tests of the bench's pure helpers, so the report format can't rot
// while `npm run bench` itself stays out of `npm test`.
import { describe, expect, it } from 'vitest'
import { bar, formatBytes, formatMs, histogram, median, percentile, ratio, renderHistograms, table } from '../../../bench/lib/stats.mjs'

describe('median', () => {
  it('takes the middle of an odd count and the mean of the middle two of an even one', () => {
    expect(median([5, 1, 3])).toBe(3)
    expect(median([4, 1, 3, 2])).toBe(2.5)
  })
  it('does not reorder its input and is NaN when empty', () => {
    const input = [3, 1, 2]
    median(input)
    expect(input).toEqual([3, 1, 2])
    expect(median([])).toBeNaN()
  })
})

describe('percentile', () => {
  it('uses the nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1)
    expect(percentile(values, 50)).toBe(50)
    expect(percentile(values, 99)).toBe(99)
    expect(percentile(values, 100)).toBe(100)
    expect(percentile([7], 0)).toBe(7)
  })
})

describe('ratio', () => {
  it('formats value over baseline with two decimals', () => {
    expect(ratio(107, 100)).toBe('1.07×')
    expect(ratio(50, 200)).toBe('0.25×')
  })
  it('shows a dash when the baseline is missing or zero', () => {
    expect(ratio(1, 0)).toBe('–')
    expect(ratio(Number.NaN, 1)).toBe('–')
  })
})

describe('histogram', () => {
  it('counts into fixed-width buckets from 0 and clamps overflow into the last', () => {
    expect(histogram([0, 99, 100, 250, 10_000, -5], 100, 3)).toEqual([3, 1, 2])
  })
  it('keeps every value in the total', () => {
    const values = Array.from({ length: 1000 }, (_, i) => i * 7)
    expect(histogram(values, 100, 10).reduce((a, b) => a + b, 0)).toBe(1000)
  })
})

describe('rendering', () => {
  it('scales bars to the maximum and shows at least one mark for a nonzero count', () => {
    expect(bar(10, 10, 4)).toBe('####')
    expect(bar(1, 1000, 4)).toBe('#')
    expect(bar(0, 10, 4)).toBe('')
  })
  it('renders histograms side by side, trimming empty rows at both ends', () => {
    const text = renderHistograms([{ label: 'a', counts: [0, 2, 1, 0, 0] }, { label: 'b', counts: [0, 0, 2, 0] }], 100, 4)
    const lines = text.split('\n')
    expect(lines).toHaveLength(3)
    expect(lines[1]).toBe('  0.1s | ####     2 |          0')
    expect(lines[2]).toBe('  0.2s | ##       1 | ####     2')
  })
  it('clips counts above the shared scale with a > mark', () => {
    const lines = renderHistograms([{ label: 'spike', counts: [100] }, { label: 'flat', counts: [10] }], 100, 4, 10).split('\n')
    expect(lines[1]).toBe('  0.0s | ###>   100 | ####    10')
  })
  it('formats bytes and milliseconds', () => {
    expect(formatBytes(900)).toBe('900 B')
    expect(formatBytes(3 * 1024 + 512)).toBe('3.5 KB')
    expect(formatMs(1234.4)).toBe('1234 ms')
    expect(formatMs(12.34)).toBe('12.3 ms')
  })
  it('renders a Markdown table with right-aligned numbers', () => {
    expect(table(['lib', 'ms'], [['raw', 10], ['lifeline', 1234]]).split('\n')).toEqual([
      '| lib      |   ms |',
      '| -------- | ---: |',
      '| raw      |   10 |',
      '| lifeline | 1234 |',
    ])
  })
})
