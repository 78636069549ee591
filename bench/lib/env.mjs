// Where things are, and what versions are measured: shared by every section.
import { existsSync, readFileSync, statSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

export const root = fileURLToPath(new URL('../..', import.meta.url))

/**
 * bench/: the competitor clients live in its own package.json and
 * node_modules, so the root install stays light. Node's resolution from a
 * bench file looks in bench/node_modules first, then the root's (esbuild,
 * playwright-core, ws, json-rpc-2.0); esbuild entries use it as resolveDir.
 */
export const benchDir = join(root, 'bench')
const require = createRequire(join(benchDir, 'package.json'))

/**
 * Installs bench/'s dependencies (`npm ci` in bench/) when bench/node_modules
 * is missing or older than bench/package-lock.json. Called by run.mjs before
 * any section is imported, since the sections import the competitors statically.
 */
export function ensureBenchDependencies() {
  const lock = join(benchDir, 'package-lock.json')
  const installed = join(benchDir, 'node_modules/.package-lock.json')
  if (existsSync(installed) && statSync(installed).mtimeMs >= statSync(lock).mtimeMs) return
  console.log('Installing the bench dependencies (npm ci in bench/)…')
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
  const result = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: benchDir, stdio: 'inherit' })
  if (result.status !== 0) throw new Error(`npm ci in bench/ failed (exit ${result.status ?? result.signal}); run it by hand: npm ci --prefix bench`)
}

/**
 * The client module measured: `BENCH_LIFELINE=/abs/path.js` points the bench at
 * a candidate build (to try a fix before it lands); otherwise the built
 * dist/lifeline.js, or null before `npm run build`.
 */
export const lifelineDist = process.env.BENCH_LIFELINE
  ?? (existsSync(join(root, 'dist/lifeline.js')) ? join(root, 'dist/lifeline.js') : null)

/**
 * A second build to compare in the same interleaved run: `BENCH_COMPARE=/abs/dist` (a copy of an
 * earlier dist/ directory) adds a 'lifeline, sessions @compare' row, its client from that lifeline.js
 * against its own server.js, so before and after meet the same noise.
 */
export const compareDist = process.env.BENCH_COMPARE ?? null

/** lifeline's createClient from {@link lifelineDist}; throws when there is none. */
export async function importLifeline() {
  if (!lifelineDist) throw new Error('no dist/lifeline.js')
  return (await import(pathToFileURL(lifelineDist).href)).createClient
}

/**
 * The version of an installed package, read from its package.json (some
 * packages don't export it, so resolve the entry and walk up).
 */
export function versionOf(name) {
  if (name === 'lifeline-ws') return JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version
  const candidates = [join(benchDir, 'node_modules', name), join(root, 'node_modules', name)]
  let dir = candidates.find((candidate) => existsSync(join(candidate, 'package.json')))
  dir ??= dirname(require.resolve(name))
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version
}
