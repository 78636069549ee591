// docs/getting-started.md runs as written: its server.js and client.js
// blocks are saved as files in an ESM scratch project and run with this
// Node (20 in CI, which has no global WebSocket: the guide's `ws` import is
// what makes it work), and so do its TypeScript server.ts and client.ts,
// compiled as tsc would (types dropped; code-blocks.test.ts type-checks them).
// The only change is the port: 8080 becomes a free one.
import { afterAll, describe, expect, it, vi } from 'vitest'
import { transformSync } from 'esbuild'
import { spawn, type ChildProcess } from 'node:child_process'
import { createConnection, createServer } from 'node:net'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { blocksOf, root } from './blocks'
import { createWorkspace } from './workspace'

const blocks = blocksOf('docs/getting-started.md')
const workspace = createWorkspace()
const children: ChildProcess[] = []
afterAll(() => {
  for (const child of children) child.kill()
  workspace.remove()
})

/** A port nothing listens on right now (the guide's 8080 may be taken on a shared machine). */
async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise((resolve) => server.close(resolve))
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

/** The block saved under `name` (its `file=` flag), with the guide's port replaced. */
function program(name: string, port: number): string {
  const block = blocks.find((each) => each.name === name)
  if (block === undefined) throw new Error(`docs/getting-started.md has no block marked file=${name}`)
  expect(block.code, `${name} uses port 8080`).toContain('8080')
  return workspace.write(name, block.code.replaceAll('8080', String(port)))
}

/** A TypeScript block compiled to JavaScript beside it (`server.ts` -> `server.ts.mjs`); `./api.js` imports are types only. */
function compiled(name: string, port: number): string {
  const source = program(name, port)
  const { code } = transformSync(readFileSync(source, 'utf8'), { loader: 'ts', format: 'esm', target: 'es2022' })
  return workspace.write(`${name}.mjs`, code)
}

/** Waits until something accepts connections on `port`. */
async function listening(port: number) {
  await vi.waitFor(() => new Promise<void>((resolve, reject) => {
    const probe = createConnection({ port, host: '127.0.0.1' }, () => { probe.destroy(); resolve() })
    probe.once('error', reject)
  }), { timeout: 20_000, interval: 100 })
}

/** Runs a file with this Node in the workspace and collects its output. */
function run(file: string): { output: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [file], { cwd: workspace.dir, stdio: ['ignore', 'pipe', 'pipe'] })
  children.push(child)
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString() })
  return { output: () => output, exit: new Promise((resolve) => child.once('exit', resolve)) }
}

/**
 * Runs a server file, then a client file against it on a free port, until the client printed each
 * of `lines` (and is still running); the server must print nothing.
 */
async function runsTogether(serverFile: (port: number) => string, clientFile: (port: number) => string, lines: (string | RegExp)[]) {
  const port = await freePort()
  const server = run(serverFile(port))
  await listening(port)
  const name = clientFile(port)
  const client = run(name)
  let clientExit: number | null | undefined
  void client.exit.then((code) => { clientExit = code })
  await vi.waitFor(() => {
    expect(clientExit, `${name} exited early:\n${client.output()}`).toBeUndefined()
    for (const line of lines) {
      if (typeof line == 'string') expect(client.output()).toContain(line)
      else expect(client.output()).toMatch(line)
    }
  }, { timeout: 30_000, interval: 100 })
  expect(server.output(), 'the server printed nothing unexpected').toBe('')
}

describe('docs/getting-started.md', () => {
  it('says the code is ESM and passes the WebSocket of ws on Node 20', () => {
    const text = readFileSync(join(root, 'docs/getting-started.md'), 'utf8')
    expect(text).toContain('npm pkg set type=module')
    expect(text).toContain('Cannot use import statement outside a module')
    const client = blocks.find((block) => block.name === 'client.js')
    expect(client?.code).toContain("import WebSocket from 'ws'")
    expect(client?.code).toContain('{ WebSocket }')
  })

  it('runs the server and the client as written', async () => {
    await runsTogether((port) => program('server.js', port), (port) => program('client.js', port), [
      'connecting -> open',
      /joined \{ room: 'lobby', you: '[^']+' \}/,
      /clock \{ now: \d+ \}/,
    ])
  })

  it('runs the TypeScript server and client of the contract section', async () => {
    expect(blocks.find((block) => block.name === 'api.ts')?.code).toContain('interface DemoApi')
    await runsTogether((port) => compiled('server.ts', port), (port) => compiled('client.ts', port), [/joined as \S+/, /clock \d{4}-\d\d-\d\dT/])
  })
})
