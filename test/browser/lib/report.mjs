// Prints the results: one table with a column per engine, the failures in
// full, and the summary line that CI logs are searched for.

/**
 * @param {Record<string, Record<string, { status: string, ms: number, error?: Error }>>} results
 * @param {Record<string, string>} versions
 * @param {string[]} titles scenario titles, in run order
 * @returns {{ passed: number, failed: number }}
 */
export function report(results, versions, titles) {
  const engines = Object.keys(results)
  const width = Math.max(8, ...titles.map((t) => t.length))
  const cell = (r) => (r ? `${r.status === 'pass' ? 'pass' : 'FAIL'} ${(r.ms / 1000).toFixed(1)}s` : '-').padEnd(14)
  const lines = ['', `Browsers: ${engines.map((e) => `${e} (${versions[e] ?? 'not launched'})`).join(', ')}`, '']
  lines.push(`${'scenario'.padEnd(width)}  ${engines.map((e) => e.padEnd(14)).join('')}`)
  for (const title of titles) lines.push(`${title.padEnd(width)}  ${engines.map((e) => cell(results[e][title])).join('')}`)

  const counts = { pass: 0, fail: 0 }
  const failures = []
  for (const engine of engines) {
    for (const title of titles) {
      const r = results[engine][title]
      if (!r) continue
      counts[r.status]++
      if (r.status === 'fail') failures.push(`  [${engine}] ${title}: ${r.error?.message ?? r.error}`)
    }
  }
  if (failures.length) lines.push('', 'Failed:', ...failures)
  lines.push('', `${counts.pass} passed, ${counts.fail} failed`)
  console.log(lines.join('\n'))
  return { passed: counts.pass, failed: counts.fail }
}
