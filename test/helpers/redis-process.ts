// A real redis-server (Debian's package): a free loopback port, persistence off, its own temporary
// directory; stopped by its pid, frozen with SIGSTOP. No test talks to a Redis it did not start. Free of
// vitest, so the chaos runner (test/chaos/) uses it too; test/integration/cluster/redis-server.ts adds the
// per-file lifecycle.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface RedisProcess {
  readonly port: number
  readonly url: string
  readonly pid: number | undefined
  /** SIGKILL it and start a new one on the same port: every key is gone (persistence is off). */
  restart(): Promise<void>
  /** SIGKILL it. */
  kill(): Promise<void>
  /** Start it again after kill(). */
  start(): Promise<void>
  /** SIGSTOP it: it answers nothing, and its sockets stay open (a paused VM, a partition). */
  freeze(): void
  /** SIGCONT it after freeze(). */
  thaw(): void
  stop(): Promise<void>
}

/** A port the OS says is free now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() => resolve(typeof address == 'object' && address ? address.port : 0))
    })
  })
}

function launch(port: number, dir: string): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  return new Promise((resolve, reject) => {
    let output = ''
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes('Ready to accept connections')) {
        child.stdout!.off('data', onData)
        child.stdout!.resume()
        resolve(child)
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.resume()
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${output}`)))
  })
}

function killed(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    child.once('exit', () => resolve())
    child.kill('SIGKILL')
  })
}

/** Start a redis-server (`stopped`: only pick its port, `start()` it later); `stop()` it after the tests. */
export async function startRedis(options: { port?: number; stopped?: boolean } = {}): Promise<RedisProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'lifeline-redis-'))
  const port = options.port ?? (await freePort())
  let child: ChildProcess | undefined = options.stopped ? undefined : await launch(port, dir)
  const kill = async () => {
    if (child) await killed(child)
    child = undefined
  }
  const start = async () => {
    child = await launch(port, dir)
  }
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get pid() {
      return child?.pid
    },
    kill,
    start,
    freeze: () => void child?.kill('SIGSTOP'),
    thaw: () => void child?.kill('SIGCONT'),
    async restart() {
      await kill()
      await start()
    },
    async stop() {
      await kill()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
