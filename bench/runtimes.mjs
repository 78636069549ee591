// `node bench/runtimes.mjs` (after `npm run build`): lifeline-ws/server on ws, with a lifeline client
// in the same process, in Node, Deno and Bun, in one run: 10,000 calls (100 in flight) and 20,000
// notifications, the median of 5 rounds each, reported as ratios to Node. The numbers are this
// machine's; docs/benchmarks.md ("Runtimes") keeps a run.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { findRuntime } from '../test/runtimes/binaries.mjs'

const load = fileURLToPath(new URL('./runtime-load.mjs', import.meta.url))
const commands = [
  [process.execPath, [load]],
  [findRuntime('deno').path, ['run', '-A', load]],
  [findRuntime('bun').path, [load]],
]
const rows = commands.map(([path, args]) => {
  const result = spawnSync(path, args, { encoding: 'utf8', timeout: 300_000 })
  const line = result.stdout.trim().split('\n').at(-1)
  if (result.status !== 0 || !line?.startsWith('{')) throw new Error(`${path} failed: ${result.stderr || result.stdout}`)
  return JSON.parse(line)
})
const [node] = rows
const ratio = (value, base) => (base / value).toFixed(2)
console.log('| runtime | 10,000 calls (ms) | calls/s | vs Node | 20,000 notifications (ms) | notifications/s | vs Node |')
console.log('| --- | --- | --- | --- | --- | --- | --- |')
for (const row of rows) {
  console.log(`| ${row.runtime} | ${row.callsMs.toFixed(0)} | ${Math.round(row.calls / (row.callsMs / 1000))} | ${ratio(row.callsMs, node.callsMs)}x | ${row.notificationsMs.toFixed(0)} | ${Math.round(row.notifications / (row.notificationsMs / 1000))} | ${ratio(row.notificationsMs, node.notificationsMs)}x |`)
}
