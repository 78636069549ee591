// An app's bundler over the built ESM entries: esbuild (what Vite and size-limit use) bundles each
// browser entry without a warning. A bare `import 'nanoevents'` hoisted into an entry by rollup was
// dropped with esbuild's ignored-bare-import warning, once per entry, in every app's build.
import { describe, expect, it } from 'vitest'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { build } from 'esbuild'

const root = join(import.meta.dirname, '../..')
const browserEntries = ['lifeline.js', 'socket.js', 'share.js']

describe('the ESM build in an app bundler', () => {
  it.each(browserEntries)('esbuild bundles dist/%s for the browser without a warning', async (entry) => {
    const path = join(root, 'dist', entry)
    expect(existsSync(path), 'run `npm run build` first').toBe(true)
    const result = await build({ entryPoints: [path], bundle: true, write: false, platform: 'browser', format: 'esm', minify: true, logLevel: 'silent' })
    expect(result.warnings.map((warning) => `${warning.id ?? ''} ${warning.text}`)).toEqual([])
    expect(result.errors).toEqual([])
  })
})

// lifeline-ws/server/deno and /bun run where `ws` is not installed (a Deno or Bun app needs nothing
// beside lifeline-ws): neither build may import it. What each build loads from outside itself, by
// kind: at load (import or require), or on demand (import(), ioredis for a Redis URL only).
async function importsOf(entry: string): Promise<{ atLoad: string[]; onDemand: string[] }> {
  const path = join(root, 'dist', entry)
  expect(existsSync(path), 'run `npm run build` first').toBe(true)
  const result = await build({ entryPoints: [path], bundle: true, write: false, metafile: true, platform: 'neutral', packages: 'external', external: ['node:*'], logLevel: 'silent' })
  const external = Object.values(result.metafile.inputs).flatMap((input) => input.imports.filter((item) => item.external))
  const paths = (items: typeof external) => [...new Set(items.map((item) => item.path))].sort()
  return { atLoad: paths(external.filter((item) => item.kind !== 'dynamic-import')), onDemand: paths(external.filter((item) => item.kind === 'dynamic-import')) }
}

describe('the Deno and Bun server entries', () => {
  // node:crypto (session ids, the Redis journal) and node:fs (fileHistory) are built into Deno and Bun.
  it.each(['server-deno.js', 'server-deno.cjs', 'server-bun.js', 'server-bun.cjs'])('dist/%s loads no ws: node:crypto and node:fs at load, ioredis on demand', async (entry) => {
    expect(await importsOf(entry)).toEqual({ atLoad: ['node:crypto', 'node:fs'], onDemand: ['ioredis'] })
  })

  it('dist/server.js, on ws, is what that check catches', async () => {
    expect((await importsOf('server.js')).atLoad).toContain('ws')
  })
})
