// A vite plugin for the Svelte 4 test: `*.svelte4` files are compiled by Svelte 4's own compiler
// (the `svelte4` package, an alias of svelte@4), with its runtime imported as `svelte4`, so the
// component runs on Svelte 4 beside the Svelte 5 the other tests use.
import { createRequire } from 'node:module'
import type { Plugin } from 'vite'

interface Svelte4Compiler {
  compile(source: string, options: Record<string, unknown>): { js: { code: string; map: unknown } }
}

// Required, not imported: svelte@4's types declare the module 'svelte' again, beside Svelte 5's.
const { compile } = createRequire(import.meta.url)('svelte4/compiler') as Svelte4Compiler

export function svelte4(): Plugin {
  return {
    name: 'lifeline-svelte4',
    transform(source, id) {
      if (!id.endsWith('.svelte4')) return null
      const { js } = compile(source, { filename: id, sveltePath: 'svelte4', generate: 'dom' })
      return { code: js.code, map: js.map as never }
    },
  }
}
