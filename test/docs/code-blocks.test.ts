// Every ts/js/tsx block of README.md and docs/*.md type-checks against the
// built package (run `npm run build` first; `npm test` does). Blocks marked
// `snippet` in their fence are checked with test/docs/ambient/ declaring
// their free names; blocks marked `skip` are not checked.
import { afterAll, describe, expect, it } from 'vitest'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { allBlocks, root } from './blocks'
import { createWorkspace } from './workspace'
import { typecheck } from './typecheck'

if (!existsSync(join(root, 'dist/lifeline.d.ts'))) throw new Error('test/docs needs the built package: run `npm run build` first')

const blocks = allBlocks()
const workspace = createWorkspace()
afterAll(() => workspace.remove())

describe('doc code blocks', () => {
  it('finds the blocks (the extractor still reads the docs)', () => {
    expect(blocks.length).toBeGreaterThan(20)
  })

  const modules = typecheck(workspace, blocks.filter((block) => block.kind === 'module'))
  const snippets = typecheck(workspace, blocks.filter((block) => block.kind === 'snippet'), ['globals.d.ts', 'modules.d.ts'].map((name) => join(import.meta.dirname, 'ambient', name)))
  for (const [block, problems] of [...modules, ...snippets]) {
    it(`${block.file}:${block.line} (${block.kind}) type-checks`, () => {
      expect(problems, problems.join('\n')).toEqual([])
    })
  }
})
