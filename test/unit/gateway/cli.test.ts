// The command line: help on one screen, the version, usage errors (exit 2) that name the problem,
// config files found or given (.json and .mjs), --check, --port, and a gateway started and closed.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { helpText, runCli, type CliIo } from '../../../src/gateway/cli'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** A scratch directory holding `files`, and an io that records what the CLI writes. */
function setup(files: Record<string, string> = {}, env: NodeJS.ProcessEnv = { LIFELINE_API_KEY: 'a-key-of-16-chars!' }) {
  const cwd = mkdtempSync(join(tmpdir(), 'lifeline-cli-'))
  dirs.push(cwd)
  for (const [name, text] of Object.entries(files)) writeFileSync(join(cwd, name), text)
  const out: string[] = []
  const err: string[] = []
  const io: CliIo = { env, cwd, version: '1.2.3', stdout: { write: (text: string) => out.push(text) > 0 }, stderr: { write: (text: string) => err.push(text) > 0 } }
  return { io, out, err, cwd }
}

const json = (value: unknown) => JSON.stringify(value)
const minimal = json({ backend: { url: 'http://127.0.0.1:9' }, host: '127.0.0.1', port: 0 })

describe('lifeline-ws CLI', () => {
  it('prints a help that fits one screen (at most 40 lines of at most 80 columns)', async () => {
    const { io, out } = setup()
    expect(await runCli(['gateway', '--help'], io)).toEqual({ code: 0 })
    expect(out.join('')).toBe(helpText)
    const lines = helpText.trimEnd().split('\n')
    expect(lines.length).toBeLessThanOrEqual(40)
    expect(Math.max(...lines.map((line) => line.length))).toBeLessThanOrEqual(80)
    for (const name of ['LIFELINE_API_KEY', 'LIFELINE_REDIS_URL', '--config', '--check', 'SIGTERM']) expect(helpText).toContain(name)
  })

  it('prints the version; with no command prints the help and exits 2', async () => {
    const { io, out } = setup()
    expect(await runCli(['--version'], io)).toEqual({ code: 0 })
    expect(out).toEqual(['1.2.3\n'])
    expect(await runCli([], io)).toEqual({ code: 2 })
    expect(out[1]).toBe(helpText)
  })

  it('refuses an unknown command or option with exit 2 and a message naming it', async () => {
    const { io, err } = setup()
    expect(await runCli(['serve'], io)).toEqual({ code: 2 })
    expect(err.join('')).toContain('unknown command: serve')
    expect(await runCli(['gateway', '--prot', '1'], io)).toEqual({ code: 2 })
    expect(err.join('')).toContain("Unknown option '--prot'")
  })

  it('says where it looked when there is no config, and names the bad key of a wrong one', async () => {
    const none = setup()
    expect(await runCli(['gateway'], none.io)).toEqual({ code: 2 })
    expect(none.err.join('')).toContain(`no lifeline.config.mjs or lifeline.config.json in ${none.cwd}`)
    const bad = setup({ 'lifeline.config.json': json({ backend: { url: 'http://x' }, methods: { send: { timeout: 'soon' } } }) })
    expect(await runCli(['gateway'], bad.io)).toEqual({ code: 2 })
    expect(bad.err.join('')).toContain('methods.send.timeout: expected an integer from 1 to 600000, got "soon"')
    const broken = setup({ 'lifeline.config.json': '{ "backend": ' })
    expect(await runCli(['gateway'], broken.io)).toEqual({ code: 2 })
    expect(broken.err.join('')).toContain('lifeline.config.json is not valid JSON')
    const missing = setup()
    expect(await runCli(['gateway', '--config', 'nope.json'], missing.io)).toEqual({ code: 2 })
    expect(missing.err.join('')).toContain('--config: no file at')
  })

  it('--check prints the config with its defaults (and no secret), from a .mjs that exports a function', async () => {
    const { io, out } = setup({ 'lifeline.config.mjs': `export default async () => (${minimal})` }, { LIFELINE_API_KEY: 'a-secret-key-of-16', LIFELINE_REDIS_URL: 'redis://user:pw@127.0.0.1:6379' })
    expect(await runCli(['gateway', '--check', '--port', '9123'], io)).toEqual({ code: 0 })
    const printed = JSON.parse(out.join('')) as { config: { port: number; path: string }; redis: boolean }
    expect(printed).toMatchObject({ config: { port: 9123, path: '/ws' }, redis: true })
    expect(out.join('')).not.toContain('a-secret-key-of-16')
    expect(out.join('')).not.toContain('pw@')
  })

  it('refuses a bad --port, a missing API key, and a .mjs without a default export', async () => {
    const port = setup({ 'lifeline.config.json': minimal })
    expect(await runCli(['gateway', '-p', '80a'], port.io)).toEqual({ code: 2 })
    expect(port.err.join('')).toContain('--port: expected an integer from 0 to 65535, got "80a"')
    const key = setup({ 'lifeline.config.json': minimal }, {})
    expect(await runCli(['gateway'], key.io)).toEqual({ code: 2 })
    expect(key.err.join('')).toContain('LIFELINE_API_KEY: required')
    const empty = setup({ 'custom.mjs': 'export const port = 1' })
    expect(await runCli(['gateway', '-c', 'custom.mjs'], empty.io)).toEqual({ code: 2 })
    expect(empty.err.join('')).toContain('custom.mjs has no default export')
  })

  it('starts a gateway that logs JSON lines, and exits 1 with the reason when it cannot listen', async () => {
    const { io, out } = setup({ 'lifeline.config.json': minimal })
    const result = await runCli(['gateway'], io)
    if (!('gateway' in result)) throw new Error(`expected a gateway, got exit ${result.code}`)
    expect(JSON.parse(out[0]!)).toMatchObject({ level: 'info', msg: 'gateway listening', port: result.gateway.port })
    const taken = setup({ 'lifeline.config.json': json({ backend: { url: 'http://127.0.0.1:9' }, host: '127.0.0.1', port: result.gateway.port }) })
    expect(await runCli(['gateway'], taken.io)).toEqual({ code: 1 })
    expect(taken.err.join('')).toContain('could not start: listen EADDRINUSE')
    await result.gateway.close()
  })
})
