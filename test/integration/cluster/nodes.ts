// Start and stop the server processes of the cluster tests (node.mjs), on a
// server bundle built once from src/ with esbuild (ws and ioredis external,
// resolved from the project's node_modules).
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { build } from 'esbuild'

const root = join(import.meta.dirname, '../../..')
const bundle = join(root, 'node_modules/.cache/lifeline-cluster/server.mjs')

/** Bundle src/server for the child processes. */
export async function buildServer(): Promise<void> {
  mkdirSync(join(bundle, '..'), { recursive: true })
  await build({ entryPoints: [join(root, 'src/server/index.ts')], bundle: true, platform: 'node', format: 'esm', outfile: bundle, external: ['ws', 'ioredis'], logLevel: 'error' })
}

export interface NodeProcess {
  readonly port: number
  readonly url: string
  readonly child: ChildProcess
  /** What the process wrote to stderr (its onError lines). */
  readonly log: string[]
  /** SIGKILL: no close(), no goodbye. */
  kill(): Promise<void>
  /** SIGTERM: a graceful close(). */
  stop(): Promise<void>
}

const exited = (child: ChildProcess, signal: NodeJS.Signals) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.once('exit', () => resolve())
    child.kill(signal)
  })

/** A server process on `redisUrl` with `prefix`; resolves once it listens. */
export function startNode(redisUrl: string, prefix: string): Promise<NodeProcess> {
  const child = spawn(process.execPath, [join(import.meta.dirname, 'node.mjs')], {
    env: { ...process.env, LIFELINE_SERVER: bundle, REDIS_URL: redisUrl, PREFIX: prefix },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const log: string[] = []
  child.stderr!.on('data', (chunk: Buffer) => log.push(chunk.toString()))
  return new Promise((resolve, reject) => {
    let output = ''
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const line = output.split('\n')[0]
      if (!output.includes('\n') || !line) return
      const { port } = JSON.parse(line) as { port: number }
      resolve({ port, url: `ws://127.0.0.1:${port}`, child, log, kill: () => exited(child, 'SIGKILL'), stop: () => exited(child, 'SIGTERM') })
    })
    child.once('exit', (code) => reject(new Error(`server process exited with ${code}: ${log.join('')}`)))
  })
}
