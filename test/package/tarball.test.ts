// The package as npm would publish it: `npm pack` of the built repository
// (run `npm run build` first; `npm test` does). The tarball holds only what
// users need, publint and attw find nothing wrong with it, and a scratch
// project that installs it (with ws) runs the README's first example shape
// from every entry in `exports`, in ESM and CommonJS, and the UMD file the
// README's CDN line names. Entries are read from package.json, so new ones
// (lifeline-ws/socket, …) are checked without changing this file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { checkPackage, createPackageFromTarballData } from '@arethetypeswrong/core'
import { problemKindInfo } from '@arethetypeswrong/core/problems'
import { blocksOf } from '../docs/blocks'

const root = join(import.meta.dirname, '../..')
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string
  exports: Record<string, unknown>
  peerDependenciesMeta?: Record<string, { optional?: boolean }>
  devDependencies?: Record<string, string>
  [field: string]: unknown
}
if (!existsSync(join(root, 'dist'))) throw new Error('test/package needs the built package: run `npm run build` first')

const scratch = mkdtempSync(join(tmpdir(), 'lifeline-package-'))
let tarball = ''
let files: string[] = []

/** Runs a command, failing with its output when it exits non-zero. */
function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } })
  const output = `${result.stdout}${result.stderr}`
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status ?? result.signal}:\n${output}`)
  return output
}

/** Every file path an `exports` value points at, whatever its nesting of conditions. */
function targetsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value]
  if (value === null || typeof value !== 'object') return []
  return Object.values(value).flatMap(targetsOf)
}

/** The entries users import: `lifeline-ws`, `lifeline-ws/server`, … (not package.json). */
const entries = Object.keys(manifest.exports).filter((key) => !key.endsWith('.json')).map((key) => (key === '.' ? manifest.name : `${manifest.name}/${key.slice(2)}`))
/** Peers an entry may need that the scratch project does not install (react): such an entry may fail for that reason only. */
const optionalPeers = Object.entries(manifest.peerDependenciesMeta ?? {}).filter(([, meta]) => meta.optional === true).map(([name]) => name)

beforeAll(() => {
  const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', scratch], { cwd: root, encoding: 'utf8' })) as
    { filename: string; files: { path: string }[] }[]
  const [first] = packed
  if (first === undefined) throw new Error('npm pack printed no package')
  tarball = join(scratch, first.filename)
  files = first.files.map((file) => file.path)
  writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module' }))
  // ws, and the types a Node TypeScript project adds (the versions this repository tests with), from the
  // npm cache when they are there (CI has just installed them); the registry otherwise.
  const typesPackages = ['@types/node', '@types/ws'].map((name) => `${name}@${manifest.devDependencies?.[name] ?? 'latest'}`)
  const install = ['install', tarball, 'ws', ...typesPackages, '--no-audit', '--no-fund', '--no-package-lock']
  try {
    run('npm', [...install, '--offline'], scratch)
  } catch {
    run('npm', install, scratch)
  }
})

afterAll(() => rmSync(scratch, { recursive: true, force: true }))

describe('the packed tarball', () => {
  it('holds only dist/, README.md, LICENSE and package.json', () => {
    const extra = files.filter((path) => !path.startsWith('dist/') && !['README.md', 'LICENSE', 'package.json'].includes(path))
    expect(extra).toEqual([])
    expect(files).toEqual(expect.arrayContaining(['README.md', 'LICENSE', 'package.json']))
  })

  it('holds every file package.json points at', () => {
    const fields = ['main', 'module', 'types', 'unpkg', 'jsdelivr'].map((field) => manifest[field]).filter((value) => typeof value === 'string')
    const targets = [...targetsOf(manifest.exports), ...fields].map((path) => path.replace(/^\.\//, ''))
    expect(targets.length).toBeGreaterThan(4)
    expect(targets.filter((path) => !files.includes(path))).toEqual([])
  })

  it('passes publint (strict: warnings fail too)', () => {
    run(join(root, 'node_modules/.bin/publint'), ['run', '--strict', tarball], root)
  })

  it('passes attw: types resolve for ESM and CommonJS consumers (node16, bundler)', async () => {
    // attw's engine (@arethetypeswrong/core, what `attw --pack --profile node16` runs; the CLI
    // alone would add some 30 packages of terminal formatting to every install). package.json
    // `overrides` lets it use the project's TypeScript instead of its own pinned copy (22 MB). node10
    // resolution (TypeScript's legacy `moduleResolution: node`) cannot see subpath exports
    // such as lifeline-ws/server; the supported settings are node16, nodenext and bundler.
    const analysis = await checkPackage(createPackageFromTarballData(new Uint8Array(readFileSync(tarball))))
    if (!analysis.types) throw new Error('attw found no types in the tarball')
    const ignoredResolutions = ['node10']
    const problems = analysis.problems
      .filter((problem) => !('resolutionKind' in problem) || !ignoredResolutions.includes(problem.resolutionKind))
      .map((problem) => {
        const where = [
          'entrypoint' in problem ? problem.entrypoint : undefined,
          'resolutionKind' in problem ? problem.resolutionKind : undefined,
        ].filter((part) => part !== undefined).join(', ')
        return `${problemKindInfo[problem.kind].title} (${where}): ${problemKindInfo[problem.kind].description}`
      })
    expect(problems).toEqual([])
  })
})

describe('a scratch project that installs the tarball', () => {
  it('imports and requires every entry', () => {
    const check = `
      import { createRequire } from 'node:module'
      const require = createRequire(import.meta.url)
      const report = {}
      for (const entry of ${JSON.stringify(entries)}) {
        try {
          const esm = Object.keys(await import(entry))
          const cjs = Object.keys(require(entry))
          report[entry] = { esm: esm.length, cjs: cjs.length, same: esm.filter((name) => name !== 'default').every((name) => cjs.includes(name)) }
        } catch (error) {
          // An entry for an optional peer (react, …) needs that peer; anything else is a failure.
          const missing = ${JSON.stringify(optionalPeers)}.find((peer) => String(error.message).includes("'" + peer + "'"))
          report[entry] = missing ? { needs: missing } : { error: String(error.message) }
        }
      }
      console.log(JSON.stringify(report))`
    writeFileSync(join(scratch, 'entries.mjs'), check)
    const report = JSON.parse(run(process.execPath, ['entries.mjs'], scratch).trim().split('\n').pop() ?? '{}') as Record<string, { esm?: number; cjs?: number; same?: boolean; error?: string }>
    expect(Object.keys(report)).toEqual(entries)
    for (const [entry, result] of Object.entries(report)) {
      expect(result.error, `${entry}: ${result.error}`).toBeUndefined()
      if (result.esm === undefined) continue
      expect(result.esm, `${entry} exports nothing`).toBeGreaterThan(0)
      expect(result.same, `${entry}: the CommonJS build lacks names the ESM build has`).toBe(true)
    }
  })

  it('requires every entry where require() cannot load an ES module (Node before 20.19, Jest)', () => {
    // Node 20.19+ loads an ES module from require(); this flag turns that off, as older Node 20s and
    // Jest's own module loader are. A CommonJS file that requires an ESM-only dependency fails here.
    const check = `
      const report = {}
      for (const entry of ${JSON.stringify(entries)}) {
        try {
          report[entry] = { names: Object.keys(require(entry)).length }
        } catch (error) {
          const missing = ${JSON.stringify(optionalPeers)}.find((peer) => String(error.message).includes("'" + peer + "'"))
          report[entry] = missing ? { needs: missing } : { error: String(error.code ?? error.message) }
        }
      }
      console.log(JSON.stringify(report))`
    writeFileSync(join(scratch, 'entries.cjs'), check)
    const output = run(process.execPath, ['--no-experimental-require-module', 'entries.cjs'], scratch)
    const report = JSON.parse(output.trim().split('\n').pop() ?? '{}') as Record<string, { names?: number; needs?: string; error?: string }>
    expect(Object.keys(report)).toEqual(entries)
    for (const [entry, result] of Object.entries(report)) {
      expect(result.error, `require('${entry}'): ${result.error}`).toBeUndefined()
      if (result.needs === undefined) expect(result.names, `${entry} exports nothing`).toBeGreaterThan(0)
    }
  })

  it("runs the README's first example shape: a client calling a server", () => {
    writeFileSync(join(scratch, 'first.mjs'), `
      import { createClient } from 'lifeline-ws'
      import { createServer } from 'lifeline-ws/server'
      import WebSocket from 'ws'

      const server = createServer({ port: 0, host: '127.0.0.1', methods: { 'room.join': ({ room }) => ({ members: ['ada'], room }) } })
      await server.ready
      const client = createClient('ws://127.0.0.1:' + server.port, { WebSocket })
      const joined = await client.call('room.join', { room: 'lobby' })
      client.close()
      await server.close()
      console.log(JSON.stringify(joined))`)
    const output = run(process.execPath, ['first.mjs'], scratch)
    expect(JSON.parse(output.trim().split('\n').pop() ?? '')).toEqual({ members: ['ada'], room: 'lobby' })
  })

  it("loads the UMD file of the README's CDN line and calls through its Lifeline global", () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8')
    const cdn = new RegExp(`<script src="https://[^"]+/${manifest.name}(?:@[^/"]+)?/([^"]+)"`).exec(readme)
    expect(cdn, 'README.md has a CDN <script src> line for the package').not.toBeNull()
    const path = cdn?.[1] ?? ''
    expect(files, `the CDN path ${path} is in the tarball`).toContain(path)
    writeFileSync(join(scratch, 'umd.mjs'), `
      import { readFileSync } from 'node:fs'
      import vm from 'node:vm'
      import WebSocket from 'ws'
      import { createServer } from 'lifeline-ws/server'

      // As a <script> tag does: run the file as a classic script; it defines the global Lifeline.
      const file = 'node_modules/lifeline-ws/${path}'
      vm.runInThisContext(readFileSync(file, 'utf8'), { filename: file })
      const server = createServer({ port: 0, host: '127.0.0.1', methods: { add: ([a, b]) => a + b } })
      await server.ready
      const client = globalThis.Lifeline.createClient('ws://127.0.0.1:' + server.port, { WebSocket })
      const sum = await client.call('add', [2, 3])
      client.close()
      await server.close()
      console.log(JSON.stringify({ sum }))`)
    const output = run(process.execPath, ['umd.mjs'], scratch)
    expect(JSON.parse(output.trim().split('\n').pop() ?? '')).toEqual({ sum: 5 })
  })

  it("loads the MessagePack UMD file of the README's second CDN line after the first, and calls with bytes", () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8')
    const paths = [...readme.matchAll(new RegExp(`<script src="https://[^"]+/${manifest.name}(?:@[^/"]+)?/([^"]+)"`, 'g'))].map((match) => match[1] ?? '')
    const client = paths.find((path) => path.includes('lifeline.umd'))
    const dialect = paths.find((path) => path.includes('msgpack'))
    expect(dialect, 'README.md has a CDN <script src> line for the MessagePack UMD file').toBeDefined()
    expect(files).toContain(dialect)
    writeFileSync(join(scratch, 'umd-msgpack.mjs'), `
      import { readFileSync } from 'node:fs'
      import vm from 'node:vm'
      import WebSocket from 'ws'
      import { createServer, jsonRpc } from 'lifeline-ws/server'
      import { msgpack } from 'lifeline-ws/msgpack'

      // As two <script> tags do: each file run as a classic script, in order, each defining its global.
      for (const path of ['${client}', '${dialect}']) {
        const file = 'node_modules/lifeline-ws/' + path
        vm.runInThisContext(readFileSync(file, 'utf8'), { filename: file })
      }
      const server = createServer({
        port: 0, host: '127.0.0.1', protocol: [jsonRpc(), msgpack()],
        methods: { reverse: ({ bytes }) => ({ bytes: Uint8Array.from(bytes).reverse(), arrived: bytes.constructor.name }) },
        onConnect: (ctx) => { globalThis.offered = ctx.request.headers['sec-websocket-protocol'] },
      })
      await server.ready
      const client = globalThis.Lifeline.createClient('ws://127.0.0.1:' + server.port, { WebSocket, protocol: globalThis.LifelineMsgpack.msgpack() })
      const answer = await client.call('reverse', { bytes: new Uint8Array([1, 2, 250]) })
      client.close()
      await server.close()
      console.log(JSON.stringify({ bytes: Array.from(answer.bytes), isBytes: answer.bytes instanceof Uint8Array, arrived: answer.arrived, offered: globalThis.offered }))`)
    const output = run(process.execPath, ['umd-msgpack.mjs'], scratch)
    expect(JSON.parse(output.trim().split('\n').pop() ?? '')).toEqual({ bytes: [250, 2, 1], isBytes: true, arrived: 'Uint8Array', offered: 'lifeline.msgpack' })
  })
})

describe('the published types in a TypeScript project (strict, no skipLibCheck)', () => {
  // Each project compiles imports of the entries it may use with the repository's TypeScript. A
  // Node project has Node's types and not the DOM's; a browser project the DOM's and not Node's; a
  // bare one neither (lifeline's browser entries name no host type it lacks: src/host.ts).
  // The framework bindings name their framework's types (an optional peer the scratch project does not
  // install); their types are tested with the framework (the react-types and bindings-types projects).
  // The Deno and Bun server entries name the web Request and Response: a Node project has them.
  const needsFramework = (entry: string) => /\/(react|vue|svelte)$/.test(entry)
  const browserEntries = entries.filter((entry) => !/\/(server(\/deno|\/bun)?|testing)$/.test(entry) && !needsFramework(entry))
  const nodeEntries = entries.filter((entry) => !needsFramework(entry))
  const projects = [
    { name: 'node', lib: ['es2022'], types: ['node'], entries: nodeEntries },
    { name: 'browser', lib: ['es2022', 'dom'], types: [], entries: browserEntries },
    { name: 'bare', lib: ['es2022'], types: [], entries: browserEntries },
  ]

  it.each(projects)('$name project: lib $lib, types $types', ({ name, lib, types, entries: imported }) => {
    expect(imported.length).toBeGreaterThan(2)
    const files = [`${name}-entries.ts`]
    writeFileSync(join(scratch, files[0]!), imported.map((entry, index) => `export * as entry${index} from '${entry}'\n`).join(''))
    if (name === 'node') {
      // The getting-started guide's TypeScript contract, server and client, as a Node user writes them
      // (the client imports ws: needs @types/ws); both import the contract from './api.js'.
      const blocks = blocksOf('docs/getting-started.md')
      for (const [block, file] of [['api.ts', 'api.ts'], ['server.ts', 'guide-server.ts'], ['client.ts', 'guide-client.ts']] as const) {
        const guide = blocks.find((candidate) => candidate.name === block)
        expect(guide, `docs/getting-started.md has a block marked file=${block}`).toBeDefined()
        writeFileSync(join(scratch, file), guide?.code ?? '')
        files.push(file)
      }
    }
    const compilerOptions = {
      target: 'es2022', lib, types, module: 'nodenext', moduleResolution: 'nodenext', strict: true,
      noEmit: true, skipLibCheck: false, exactOptionalPropertyTypes: true,
    }
    writeFileSync(join(scratch, `tsconfig.${name}.json`), JSON.stringify({ compilerOptions, files }))
    run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', `tsconfig.${name}.json`], scratch)
  })
})
