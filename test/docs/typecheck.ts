// Type-checks doc blocks with the TypeScript compiler API, as a user's
// project would: strict TypeScript; JavaScript for what would fail when it
// runs (see javascriptChecks); bundler resolution (so `lifeline-ws` and
// `lifeline-ws/server` go through the package's `exports` to dist/*.d.ts),
// every file a module, DOM and Node types both available.
import ts from 'typescript'
import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import type { CodeBlock } from './blocks'
import type { Workspace } from './workspace'

const base: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  moduleDetection: ts.ModuleDetectionKind.Force,
  esModuleInterop: true,
  lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
  types: ['node'],
  jsx: ts.JsxEmit.ReactJSX,
  noEmit: true,
  skipLibCheck: true,
}

/**
 * What a JavaScript block is checked for: what would throw or misbehave when
 * it runs (syntax, unknown names, modules, exports and properties, wrong
 * argument counts), not type mismatches a JavaScript user never sees (ws's
 * WebSocket class is not the DOM's WebSocket type, yet works).
 */
const javascriptChecks = new Set([2304, 2305, 2307, 2339, 2551, 2552, 2554, 2555, 2614, 2724, 18004])
const reported = (diagnostic: ts.Diagnostic, javascript: boolean) =>
  !javascript || diagnostic.category !== ts.DiagnosticCategory.Error || diagnostic.code < 2000 || javascriptChecks.has(diagnostic.code)

const extension = { ts: 'ts', tsx: 'tsx', js: 'js' } as const

/** A file name for a block that says where it came from (docs/rpc.md line 40 -> docs-rpc.md-L40.ts), or its `file=` name. */
export function fileNameOf(block: CodeBlock): string {
  return block.name ?? `${block.file.replace(/\//g, '-')}-L${block.line}.${extension[block.language]}`
}

/**
 * Type-checks blocks of one language together in one program and returns
 * the problems of each, one string per diagnostic, located in the markdown
 * (file:line). `ambient` adds declaration files (the free names of snippets).
 */
export function typecheck(workspace: Workspace, blocks: CodeBlock[], ambient: string[] = []): Map<CodeBlock, string[]> {
  const problems = new Map<CodeBlock, string[]>(blocks.map((block) => [block, []]))
  for (const javascript of [false, true]) {
    const group = blocks.filter((block) => (block.language === 'js') === javascript)
    if (group.length === 0) continue
    const byPath = new Map<string, CodeBlock>()
    for (const block of group) byPath.set(workspace.write(fileNameOf(block), block.code), block)
    const rootNames = [...byPath.keys(), ...ambient.map((file) => workspace.write(basename(file), readFileSync(file, 'utf8')))]
    const options = javascript ? { ...base, allowJs: true, checkJs: true, strict: false } : { ...base, strict: true }
    const program = ts.createProgram({ rootNames, options })
    for (const diagnostic of ts.getPreEmitDiagnostics(program).filter((each) => reported(each, javascript))) {
      const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')
      const block = diagnostic.file ? byPath.get(diagnostic.file.fileName) : undefined
      if (block === undefined || diagnostic.file === undefined || diagnostic.start === undefined) {
        // A problem outside the blocks (an ambient file, the options) fails every block of the program.
        const where = diagnostic.file ? diagnostic.file.fileName : 'program'
        for (const other of group) problems.get(other)?.push(`${where}: TS${diagnostic.code}: ${message}`)
        continue
      }
      const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start)
      problems.get(block)?.push(`${block.file}:${block.line + line + 1}: TS${diagnostic.code}: ${message}`)
    }
  }
  return problems
}
