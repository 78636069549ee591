// A vite plugin for the recipe tests: `doc:docs/frameworks.md/solid-lifeline.ts` is the code
// block of that page whose fence says `file=solid-lifeline.ts`, so the tests run the docs' own
// code, not a copy of it.
import type { Plugin } from 'vite'
import { blocksOf } from '../docs/blocks'

const prefix = 'doc:'

export function docBlocks(): Plugin {
  return {
    name: 'lifeline-doc-blocks',
    // No `\0` in front: the id ends in .ts, and vite's TypeScript transform skips `\0` ids.
    resolveId: (id) => (id.startsWith(prefix) ? id : null),
    load(id) {
      if (!id.startsWith(prefix)) return null
      // Not `#`: vite takes it for a URL fragment.
      const [, file = '', name] = /^(.+?\.md)\/(.+)$/.exec(id.slice(prefix.length)) ?? []
      const block = blocksOf(file).find((each) => each.name === name)
      if (!block) throw new Error(`${file} has no code block marked file=${name}`)
      return block.code
    },
  }
}
