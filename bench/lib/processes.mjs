// Child processes of the bench: a free loopback port, a command started until it says it is ready,
// and a redis-server of its own with persistence off (cluster, history). Needs `redis-server` on the PATH.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A free TCP port on 127.0.0.1. */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer().once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address()
      probe.close(() => resolve(port))
    })
  })
}

/** Start `command` and resolve with the child once its stdout so far satisfies `ready` (with what it returned). */
export function launch(command, args, env, ready) {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] })
  return new Promise((resolve, reject) => {
    let output = ''
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`${command} exited with ${code}`)))
    child.stdout.on('data', (chunk) => {
      output += chunk
      const match = ready(output)
      if (match) resolve({ child, match })
    })
  })
}

/** A redis-server of its own: its `url`, and `close()` that kills it (by its pid) and removes its directory. */
export async function startRedis() {
  const dir = mkdtempSync(join(tmpdir(), 'lifeline-bench-redis-'))
  const port = await freePort()
  const { child } = await launch('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {}, (out) => out.includes('Ready to accept connections'))
  return { url: `redis://127.0.0.1:${port}`, child, close: async () => { child.kill('SIGKILL'); rmSync(dir, { recursive: true, force: true }) } }
}
