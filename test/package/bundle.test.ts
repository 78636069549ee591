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
