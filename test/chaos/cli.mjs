// `npm run chaos`: builds the chaos runner (TypeScript, with src/) into one module and runs it
// with --expose-gc, passing the arguments through. See docs/reliability.md.
import { build } from 'esbuild'
import { spawnSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'

const root = join(import.meta.dirname, '../..')
const cache = join(root, 'node_modules/.cache/lifeline-chaos')
mkdirSync(cache, { recursive: true })
const outfile = join(cache, 'cli.mjs')
await build({
  entryPoints: [join(import.meta.dirname, 'cli.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['ws', 'esbuild'],
  logLevel: 'error',
  // The bundle lives elsewhere: keep import.meta.dirname pointing at test/chaos for build.ts.
  define: { 'import.meta.dirname': JSON.stringify(import.meta.dirname) },
  banner: { js: "import { createRequire as __chaosRequire } from 'node:module'; const require = __chaosRequire(import.meta.url);" },
})
const result = spawnSync(process.execPath, ['--expose-gc', outfile, ...process.argv.slice(2)], { stdio: 'inherit', cwd: root })
process.exit(result.status ?? 1)
