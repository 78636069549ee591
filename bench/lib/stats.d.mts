// Types for stats.mjs, so the unit tests can import it under strict TypeScript.
export function median(values: readonly number[]): number
export function percentile(values: readonly number[], p: number): number
export function ratio(value: number, baseline: number): string
export function histogram(values: readonly number[], width: number, buckets: number): number[]
export function bar(count: number, max: number, cols: number): string
export function renderHistograms(series: ReadonlyArray<{ label: string; counts: readonly number[] }>, width: number, cols?: number, scaleMax?: number): string
export function formatBytes(n: number): string
export function formatMs(ms: number): string
export function table(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string
