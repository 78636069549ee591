/**
 * Builds the chaos server (server-child.ts, with src/server) into one ES module that plain
 * Node runs in a child process. Kept under node_modules/.cache so that `ws` resolves.
 */
import { build } from 'esbuild'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'

const root = join(import.meta.dirname, '../..')
export const cacheDir = join(root, 'node_modules/.cache/lifeline-chaos')

export async function buildEntry(entry: string, name: string): Promise<string> {
  mkdirSync(cacheDir, { recursive: true })
  const outfile = join(cacheDir, `${name}.mjs`)
  await build({
    entryPoints: [join(import.meta.dirname, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['ws', 'esbuild'],
    logLevel: 'error',
    banner: { js: "import { createRequire as __chaosRequire } from 'node:module'; const require = __chaosRequire(import.meta.url);" },
  })
  return outfile
}
