// Where the Deno and Bun binaries are in node_modules. Both npm packages ship the binary in an
// optional per-platform package (@deno/linux-x64-glibc, @oven/bun-linux-x64) and copy or move it
// into their own folder in a postinstall script; npm may or may not have run that script (it asks
// for approval), so both places are tried, and only a file that answers `--version` counts.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

const require = createRequire(import.meta.url)
const arch = process.arch === 'arm64' ? 'arm64' : 'x64'
const packageDir = (name) => {
  try {
    return dirname(require.resolve(`${name}/package.json`))
  } catch {
    return undefined
  }
}

const candidates = {
  deno: () => [
    packageDir(`@deno/${process.platform}-${arch}${process.platform === 'linux' ? '-glibc' : ''}`),
    packageDir('deno'),
  ].flatMap((dir) => (dir ? [join(dir, 'deno')] : [])),
  bun: () => [
    packageDir(`@oven/bun-${process.platform}-${arch === 'arm64' ? 'aarch64' : 'x64'}`) && join(packageDir(`@oven/bun-${process.platform}-${arch === 'arm64' ? 'aarch64' : 'x64'}`), 'bin', 'bun'),
    packageDir('bun') && join(packageDir('bun'), 'bin', 'bun.exe'),
  ].filter(Boolean),
}

/** The path of a working `deno` or `bun` binary and its `--version` line, or an error naming where it looked. */
export function findRuntime(name) {
  const tried = candidates[name]()
  for (const path of tried) {
    if (!existsSync(path)) continue
    try {
      const version = execFileSync(path, ['--version'], { encoding: 'utf8', timeout: 30_000 }).split('\n')[0].trim()
      return { path, version }
    } catch {
      // A placeholder (bun's bin/bun.exe before its postinstall) does not run: try the next.
    }
  }
  throw new Error(`no working ${name} binary; looked at ${tried.join(', ') || 'nothing'} (npm i -D ${name})`)
}
