// Pure number and text helpers shared by every bench section. Kept free of
// I/O so test/unit/bench can pin their output format.

/** Median of a list of numbers (mean of the middle two for an even count); NaN when empty. */
export function median(values) {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** The p-th percentile (0–100) by nearest rank; NaN when empty. */
export function percentile(values, p) {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]
}

/** value / baseline, as a string like `1.07×`; `–` when either is missing or the baseline is 0. */
export function ratio(value, baseline) {
  if (!Number.isFinite(value) || !Number.isFinite(baseline) || baseline === 0) return '–'
  return `${(value / baseline).toFixed(2)}×`
}

/**
 * Counts values into fixed-width buckets starting at 0: bucket i holds
 * [i·width, (i+1)·width). Values past the last bucket are clamped into it so
 * nothing silently disappears from the total.
 */
export function histogram(values, width, buckets) {
  const counts = new Array(buckets).fill(0)
  for (const v of values) counts[Math.min(buckets - 1, Math.max(0, Math.floor(v / width)))]++
  return counts
}

/** One bar of `#` scaled so `max` fills `cols` columns; a nonzero count always shows at least one mark. */
export function bar(count, max, cols) {
  if (count <= 0 || max <= 0) return ''
  return '#'.repeat(Math.max(1, Math.round((count / max) * cols)))
}

/**
 * Renders labelled histograms side by side, one row per bucket:
 * `  0.1s | ####      12 | ##         5`. Rows run from the first to the last
 * bucket that any series fills. Bars share one scale, `scaleMax` (default:
 * the largest count); a count above it is drawn full width ending in `>`.
 */
export function renderHistograms(series, width, cols = 20, scaleMax = Math.max(1, ...series.flatMap((s) => s.counts))) {
  const rows = Math.max(...series.map((s) => s.counts.length))
  const filled = [...Array(rows).keys()].filter((i) => series.some((s) => (s.counts[i] ?? 0) > 0))
  const first = filled[0] ?? 0
  const last = filled[filled.length - 1] ?? -1
  const cell = (c) => {
    const b = c > scaleMax ? `${'#'.repeat(cols - 1)}>` : bar(c, scaleMax, cols)
    return `${b.padEnd(cols)} ${String(c).padStart(5)}`
  }
  const lines = [`${'t'.padStart(6)} | ${series.map((s) => s.label.slice(0, cols + 6).padEnd(cols + 6)).join(' | ')}`]
  for (let i = first; i <= last; i++) {
    lines.push(`${((i * width) / 1000).toFixed(1).padStart(5)}s | ${series.map((s) => cell(s.counts[i] ?? 0)).join(' | ')}`)
  }
  return lines.join('\n')
}

/** Bytes as `1234 B`, `12.3 KB` or `1.23 MB` (1 KB = 1024 B, as size-limit counts). */
export function formatBytes(n) {
  if (!Number.isFinite(n)) return '–'
  if (Math.abs(n) < 1024) return `${Math.round(n)} B`
  if (Math.abs(n) < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`
  return `${(n / 1024 / 1024).toFixed(2)} MB`
}

/** Milliseconds with precision that suits their size. */
export function formatMs(ms) {
  if (!Number.isFinite(ms)) return '–'
  return ms >= 100 ? `${Math.round(ms)} ms` : `${ms.toFixed(1)} ms`
}

/**
 * A plain-text table with a header rule, left-aligned first column and
 * right-aligned others (numbers line up). Also valid Markdown, so the same
 * text goes into docs/benchmarks.md.
 */
export function table(header, rows) {
  const all = [header, ...rows].map((r) => r.map((c) => String(c)))
  const widths = header.map((_, i) => Math.max(3, ...all.map((r) => (r[i] ?? '').length)))
  const line = (r) => `| ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`
  const rule = `| ${widths.map((w, i) => (i === 0 ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)).join(' | ')} |`
  return [line(all[0]), rule, ...all.slice(1).map(line)].join('\n')
}
