// `npm run test:runtimes`: the smoke suite (smoke.mjs) in Node, Deno 2 and Bun 1, one after the
// other, each against the built package (run `npm run build` first). Prints each runtime's exact
// version and checks, then one closing line, `N passed, N failed`, over every check in every runtime.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { findRuntime } from './binaries.mjs'

const smoke = fileURLToPath(new URL('./smoke.mjs', import.meta.url))
const runtimes = [
  { name: 'node', command: () => ({ path: process.execPath, args: [smoke] }) },
  // -A: the suite listens on 127.0.0.1 and reads dist/ and node_modules/.
  { name: 'deno', command: () => ({ path: findRuntime('deno').path, args: ['run', '-A', smoke] }) },
  { name: 'bun', command: () => ({ path: findRuntime('bun').path, args: [smoke] }) },
]

let passed = 0
let failed = 0
for (const runtime of runtimes) {
  console.log(`\n== ${runtime.name}`)
  let command
  try {
    command = runtime.command()
  } catch (err) {
    console.log(`FAIL ${runtime.name}: ${err.message}`)
    failed++
    continue
  }
  const result = spawnSync(command.path, command.args, { encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1' } })
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`
  process.stdout.write(output)
  const counts = /^(\d+) passed, (\d+) failed$/m.exec(result.stdout ?? '')
  if (!counts) {
    console.log(`FAIL ${runtime.name}: no result line (exit ${result.status}${result.error ? `, ${result.error.message}` : ''})`)
    failed++
    continue
  }
  passed += Number(counts[1])
  failed += Number(counts[2])
  if (result.status !== 0 && counts[2] === '0') failed++
}
console.log(`\n${passed} passed, ${failed} failed`)
process.exit(failed ? 1 : 0)
