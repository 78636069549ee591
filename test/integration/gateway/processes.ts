// The processes of the gateway's end-to-end tests: the Python backend of examples/gateway-python
// and gateway processes (the CLI, bundled from src/ once per file as the build does), each started
// on a free loopback port and stopped by its pid after the test.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import WebSocket from 'ws'
import type { WebSocketConstructor } from '../../../src/index'
import { buildGateway } from '../../../src/gateway/build.mjs'
import { freePort } from '../cluster/redis-server'

const root = join(import.meta.dirname, '../../..')
export const cli = join(root, 'node_modules/.cache/lifeline-gateway/cli.cjs')
export const apiKey = 'test-api-key-0123456789'

/** Bundle the CLI for the child processes (unminified: readable stack traces). */
export const buildCli = () => buildGateway(cli, { minify: false })

export interface Child {
  readonly child: ChildProcess
  /** Everything written to stdout and stderr so far. */
  readonly output: string[]
  kill(signal?: NodeJS.Signals): Promise<void>
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.once('exit', () => resolve())
  })

/** Spawn, collect output, resolve once a stdout line satisfies `ready` (reject if it exits first). */
function launch(command: string, args: string[], env: NodeJS.ProcessEnv, ready: (line: string) => boolean, cwd?: string): Promise<Child> {
  const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] })
  const output: string[] = []
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()))
  const kill = async (signal: NodeJS.Signals = 'SIGKILL') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal)
    await exited(child)
  }
  return new Promise((resolve, reject) => {
    let pending = ''
    let started = false
    child.stdout!.on('data', (chunk: Buffer) => {
      output.push(chunk.toString())
      pending += chunk.toString()
      const lines = pending.split('\n')
      pending = lines.pop()!
      if (!started && lines.some(ready)) {
        started = true
        resolve({ child, output, kill })
      }
    })
    child.once('exit', (code, signal) => {
      if (!started) reject(new Error(`${command} ${args.join(' ')} exited (${code ?? signal}) before it was ready:\n${output.join('')}`))
    })
  })
}

export interface Backend extends Child {
  readonly url: string
  /** What the backend received (its GET /debug/log). */
  log(): Promise<Record<string, unknown>[]>
}

/** The Python backend of examples/gateway-python, pushing to the gateway API at `gatewayApi`. */
export async function startBackend(gatewayApi: string): Promise<Backend> {
  const env = { ...process.env, GATEWAY_API: gatewayApi, LIFELINE_API_KEY: apiKey, PYTHONUNBUFFERED: '1' }
  const started = await launch('python3', [join(root, 'examples/gateway-python/backend.py'), '0'], env, (line) => line.startsWith('{"port"'))
  const port = (JSON.parse(started.output.join('').split('\n')[0]!) as { port: number }).port
  const url = `http://127.0.0.1:${port}`
  return { ...started, url, log: async () => (await (await fetch(`${url}/debug/log`)).json()) as Record<string, unknown>[] }
}

export interface GatewayProcess extends Child {
  readonly port: number
  readonly apiPort: number
  readonly url: string
  readonly api: string
}

/** A gateway process with `config` (a lifeline.config.json written to a temporary directory) and extra `env`. */
export async function startGateway(config: Record<string, unknown>, env: Record<string, string> = {}): Promise<GatewayProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'lifeline-gateway-'))
  writeFileSync(join(dir, 'lifeline.config.json'), JSON.stringify({ host: '127.0.0.1', ...config }))
  const started = await launch(process.execPath, [cli, 'gateway'], { ...process.env, LIFELINE_API_KEY: apiKey, ...env }, (line) => line.includes('"gateway listening"'), dir).catch((err: unknown) => {
    rmSync(dir, { recursive: true, force: true })
    throw err
  })
  started.child.once('exit', () => rmSync(dir, { recursive: true, force: true }))
  const line = started.output.join('').split('\n').find((text) => text.includes('"gateway listening"'))!
  const { port, apiPort } = JSON.parse(line) as { port: number; apiPort: number }
  return { ...started, port, apiPort, url: `ws://127.0.0.1:${port}/ws`, api: `http://127.0.0.1:${apiPort}` }
}

export { freePort }

/** POST to a gateway's /api with the key. */
export async function api(gateway: { api: string }, route: string, body?: unknown, key = apiKey): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${gateway.api}/api/${route}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

/** A WebSocket constructor that sends `cookie` with the upgrade, as a browser does. */
export const withCookie = (cookie: string | undefined) =>
  class extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, cookie ? { headers: { cookie } } : {})
    }
  } as unknown as WebSocketConstructor
