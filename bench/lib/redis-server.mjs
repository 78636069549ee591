// A redis-server of a benchmark's own: a free loopback port, persistence off, a temporary directory.
// `child` is the process (SIGSTOP it to freeze Redis); `stop()` kills it and removes its directory.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer as createNetServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Start a redis-server; resolves once it accepts connections. */
export async function startRedisServer(name) {
  const port = await new Promise((done, fail) => {
    const probe = createNetServer().once('error', fail)
    probe.listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address()
      probe.close(() => done(free))
    })
  })
  const dir = mkdtempSync(join(tmpdir(), `lifeline-${name}-`))
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: ['ignore', 'pipe', 'inherit'] })
  await new Promise((done) => {
    let output = ''
    child.stdout.on('data', (chunk) => {
      output += chunk
      if (output.includes('Ready to accept connections')) done()
    })
  })
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    child,
    stop() {
      child.kill('SIGKILL')
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
