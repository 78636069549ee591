// A scratch project in a temp dir where doc blocks are written as files,
// type-checked and run as a user would: `lifeline-ws` resolves to this
// repository through its package.json `exports` (so to the built dist/),
// and every other installed package through links to the root's node_modules.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { root } from './blocks'

export interface Workspace {
  dir: string
  /** Writes a file relative to the workspace and returns its absolute path. */
  write(name: string, text: string): string
  remove(): void
}

export function createWorkspace(): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'lifeline-docs-'))
  const modules = join(dir, 'node_modules')
  mkdirSync(modules)
  for (const name of readdirSync(join(root, 'node_modules'))) {
    if (name === '.bin' || name.startsWith('.')) continue
    symlinkSync(join(root, 'node_modules', name), join(modules, name))
  }
  symlinkSync(root, join(modules, 'lifeline-ws'))
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'docs-check', private: true, type: 'module' }))
  return {
    dir,
    write(name, text) {
      const file = join(dir, name)
      writeFileSync(file, text)
      return file
    },
    remove() {
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
