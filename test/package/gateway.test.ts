// `npx lifeline-ws gateway` from the packed tarball, installed alone in a scratch project (no ws,
// jose, prom-client or ioredis beside it): the executable runs, prints its help, starts a gateway
// that answers /healthz and /metrics, and exits 0 on SIGTERM. The OpenAPI file and the bundled
// packages' licenses ship beside it. Needs `npm run build` first.
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const root = join(import.meta.dirname, '../..')
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> }
if (!existsSync(join(root, 'dist'))) throw new Error('test/package needs the built package: run `npm run build` first')

const scratch = mkdtempSync(join(tmpdir(), 'lifeline-gateway-package-'))
let files: string[] = []
const bin = join(scratch, 'node_modules/.bin/lifeline-ws')

function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(command, args, { cwd: scratch, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false', ...env } })
}

beforeAll(() => {
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', scratch], { cwd: root, encoding: 'utf8' })) as { filename: string; files: { path: string }[] }[]
  if (!packed) throw new Error('npm pack printed no package')
  files = packed.files.map((file) => file.path)
  writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'scratch', private: true }))
  const install = ['install', join(scratch, packed.filename), '--no-audit', '--no-fund', '--no-package-lock']
  const offline = run('npm', [...install, '--offline'])
  const result = offline.status === 0 ? offline : run('npm', install)
  if (result.status !== 0) throw new Error(`npm install failed:\n${result.stdout}${result.stderr}`)
})
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

describe('the lifeline-ws executable in the tarball', () => {
  it('ships the executable, the OpenAPI file and the bundled licenses, and the bin points at it', () => {
    expect(manifest.bin).toEqual({ 'lifeline-ws': './dist/cli.cjs' })
    expect(files).toEqual(expect.arrayContaining(['dist/cli.cjs', 'dist/gateway-openapi.json', 'dist/cli.cjs.LICENSES.txt']))
    const licenses = readFileSync(join(root, 'dist/cli.cjs.LICENSES.txt'), 'utf8')
    for (const name of ['jose@', 'prom-client@', 'ws@']) expect(licenses).toContain(name)
  })

  it('installs with no package of its own beside lifeline-ws’s dependencies', () => {
    const installed = run('npm', ['ls', '--all', '--parseable']).stdout.trim().split('\n').slice(1).map((path) => path.split('node_modules/').pop())
    expect(installed.sort()).toEqual(['@msgpack/msgpack', 'lifeline-ws', 'nanoevents'])
  })

  it('prints its version and its help', () => {
    expect(run(bin, ['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/)
    const help = run(bin, ['gateway', '--help'])
    expect(help.status).toBe(0)
    expect(help.stdout).toMatch(/^Usage: lifeline-ws gateway \[options\]/)
  })

  it('starts a gateway that answers /healthz and /metrics, and exits 0 on SIGTERM', async () => {
    writeFileSync(join(scratch, 'lifeline.config.json'), JSON.stringify({ backend: { url: 'http://127.0.0.1:9' }, host: '127.0.0.1', port: 0 }))
    const child = spawn(bin, ['gateway'], { cwd: scratch, env: { ...process.env, LIFELINE_API_KEY: 'package-test-key-0123' }, stdio: ['ignore', 'pipe', 'pipe'] })
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const port = await new Promise<number>((resolve, reject) => {
      let output = ''
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString()
        const line = output.split('\n').find((text) => text.includes('"gateway listening"'))
        if (line) resolve((JSON.parse(line) as { port: number }).port)
      })
      void exited.then((code) => reject(new Error(`exited ${code}: ${stderr}`)))
    })
    expect(await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()).toEqual({ status: 'ok' })
    expect(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).toContain('lifeline_connections 0')
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
    expect(stderr).toBe('')
  })
})
