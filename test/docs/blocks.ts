// Finds the code blocks of README.md and docs/*.md that the docs tests check.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

export const root = join(import.meta.dirname, '../..')

/** The fence languages that hold code to check; `tsx` blocks are checked as TSX. */
const languages: Record<string, 'ts' | 'tsx' | 'js'> = { ts: 'ts', typescript: 'ts', tsx: 'tsx', js: 'js', javascript: 'js' }

/**
 * How a block is checked, from the words after the language in its fence:
 * - (none): a complete module, type-checked under strict mode against the built package;
 * - `snippet`: deliberately partial (free names, a fragment of a call); type-checked
 *   with test/docs/ambient/*.d.ts declaring the free names the docs use;
 * - `skip`: not checked at all (say why in the text around it).
 * `file=realtime.ts` writes the block under that name, so that a later
 * block can import it (`import { client } from './realtime'`).
 */
export type BlockKind = 'module' | 'snippet' | 'skip'

export interface CodeBlock {
  /** Path from the repository root, e.g. `docs/rpc.md`. */
  file: string
  /** 1-based line of the opening fence. */
  line: number
  language: 'ts' | 'tsx' | 'js'
  kind: BlockKind
  /** The file name the block is written to, from a `file=NAME` flag (another block imports it by that name). */
  name?: string
  code: string
}

/** The markdown files whose blocks are checked: README.md and every docs/*.md. */
export function markdownFiles(): string[] {
  const docs = readdirSync(join(root, 'docs')).filter((name) => name.endsWith('.md')).sort().map((name) => `docs/${name}`)
  return ['README.md', ...docs]
}

const fence = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)\s*(.*)$/

/** Every ts/js/tsx code block of one markdown file, with indentation (lists) removed. */
export function blocksOf(file: string, text = readFileSync(join(root, file), 'utf8')): CodeBlock[] {
  const lines = text.split('\n')
  const blocks: CodeBlock[] = []
  let index = 0
  while (index < lines.length) {
    const opening = fence.exec(lines[index] ?? '')
    if (!opening) {
      index += 1
      continue
    }
    const [, indent = '', marker = '', info = '', rest = ''] = opening
    const start = index
    const body: string[] = []
    index += 1
    while (index < lines.length && !(lines[index] ?? '').trim().startsWith(marker)) {
      body.push((lines[index] ?? '').startsWith(indent) ? (lines[index] ?? '').slice(indent.length) : (lines[index] ?? ''))
      index += 1
    }
    index += 1
    const language = languages[info.toLowerCase()]
    if (language === undefined) continue
    const flags = rest.trim().split(/\s+/)
    let kind: BlockKind = 'module'
    if (flags.includes('snippet')) kind = 'snippet'
    if (flags.includes('skip')) kind = 'skip'
    const name = flags.find((flag) => flag.startsWith('file='))?.slice('file='.length)
    blocks.push({ file, line: start + 1, language, kind, code: body.join('\n'), ...(name === undefined ? {} : { name }) })
  }
  return blocks
}

/** Every checked block of README.md and docs/*.md. */
export function allBlocks(): CodeBlock[] {
  return markdownFiles().flatMap((file) => blocksOf(file))
}
