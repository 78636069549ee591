/**
 * The `lifeline-ws` executable (dist/cli.cjs): runs the CLI, and on SIGTERM or SIGINT closes the
 * gateway gracefully (a second signal exits at once).
 * @module
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { runCli } from './cli'

/** The version of the lifeline-ws package this file is part of. */
function version(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json')
    if (!existsSync(file)) continue
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string }
    if (manifest.name === 'lifeline-ws') return manifest.version ?? 'unknown'
  }
  return 'unknown'
}

async function main() {
  const result = await runCli(process.argv.slice(2), { env: process.env, cwd: process.cwd(), stdout: process.stdout, stderr: process.stderr, version: version() })
  if ('code' in result) {
    process.exitCode = result.code
    return
  }
  const { gateway } = result
  let stopping = false
  const stop = () => {
    if (stopping) process.exit(1)
    stopping = true
    gateway.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`lifeline-ws: close failed: ${String(err)}\n`)
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}

void main()
