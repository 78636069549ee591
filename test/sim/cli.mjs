// `npm run sim`: builds the simulation (test/sim/cli.ts with src/) into one module and runs it, passing
// the arguments through. In the build, `ws` is test/sim/shims/ws.ts and `node:crypto` is
// test/sim/shims/crypto.ts (seeded ids), so the real server runs on the simulated network. --src DIR
// builds against another checkout's src/ (an older commit, in a scratch worktree). See docs/reliability.md.
import { build } from 'esbuild'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'

const here = import.meta.dirname
const root = join(here, '../..')
const argv = process.argv.slice(2)
const srcAt = argv.indexOf('--src')
const srcArg = srcAt >= 0 ? argv[srcAt + 1] : undefined
const src = srcArg === undefined ? join(root, 'src') : resolve(srcArg)
if (srcAt >= 0) argv.splice(srcAt, 2)
const cache = join(root, 'node_modules/.cache/lifeline-sim')
mkdirSync(cache, { recursive: true })
const outfile = join(cache, 'cli.mjs')
/** Where the redesign moved what the simulation imports: for --src of an older checkout. */
const MOVED = [
  ['/server/topics/history.ts', '/server/history.ts'],
  ['/server/topics/broker/', '/server/broker/'],
  ['/server/sessions/store.ts', '/server/session-store.ts'],
]
const shims = {
  name: 'sim-shims',
  setup(builder) {
    builder.onResolve({ filter: /^ws$/ }, () => ({ path: join(here, 'shims/ws.ts') }))
    builder.onResolve({ filter: /^(node:)?crypto$/ }, (args) =>
      args.importer.endsWith(join('shims', 'crypto.ts')) ? { path: 'node:crypto', external: true } : { path: join(here, 'shims/crypto.ts') })
    // A checkout from before the server's Transport seam runs through the legacy adapter.
    const legacy = !existsSync(join(src, 'server/core.ts'))
    if (legacy) builder.onResolve({ filter: /\/world\/adapter$/ }, () => ({ path: join(here, 'world/adapter-legacy.ts') }))
    // --src: the simulation's imports of src/ resolve into the other checkout (files the redesign
    // moved are found where they were then).
    if (src !== join(root, 'src')) {
      builder.onResolve({ filter: /\/src\// }, (args) => {
        const target = resolve(dirname(args.importer), args.path)
        let inside = target.startsWith(join(root, 'src')) ? join(src, target.slice(join(root, 'src').length)) : target
        if (!inside.endsWith('.ts')) inside = `${inside}.ts`
        for (const [now, then] of MOVED) if (!existsSync(inside)) inside = inside.replace(now, then)
        return { path: inside }
      })
    }
  },
}
await build({
  entryPoints: [join(here, 'cli.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'error',
  // Packages resolve from this checkout (a scratch worktree of an older commit has no node_modules);
  // ioredis is never loaded: the simulation has its own Redis.
  nodePaths: [join(root, 'node_modules')],
  external: ['ioredis'],
  plugins: [shims],
})
// The replay line a failing seed prints names the same checkout.
const env = srcArg === undefined ? process.env : { ...process.env, LIFELINE_SIM_SRC: srcArg }
const result = spawnSync(process.execPath, [outfile, ...argv], { stdio: 'inherit', cwd: root, env })
process.exit(result.status ?? 1)
