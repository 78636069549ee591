// Where things are, and what versions are measured: shared by every section.
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

export const root = fileURLToPath(new URL('../..', import.meta.url))
const require = createRequire(join(root, 'package.json'))

/**
 * The client module measured: `BENCH_LIFELINE=/abs/path.js` points the bench at
 * a candidate build (to try a fix before it lands); otherwise the built
 * dist/lifeline.js, or null before `npm run build`.
 */
export const lifelineDist = process.env.BENCH_LIFELINE
  ?? (existsSync(join(root, 'dist/lifeline.js')) ? join(root, 'dist/lifeline.js') : null)

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
  let dir = join(root, 'node_modules', name)
  if (!existsSync(join(dir, 'package.json'))) dir = dirname(require.resolve(name))
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version
}
