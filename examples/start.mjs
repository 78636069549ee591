// `npm start`: builds the library, starts the demo server (demo/server.mjs)
// and the Storybook gallery together, prints the gallery's URL, and stops
// both on Ctrl+C. Nothing external: everything listens on 127.0.0.1.
//
//   npm start                      gallery on :6006 (or a free port), demo server on a free port
//   PORT=7000 npm start            gallery on :7000
//   npm start -- --no-build        skip `npm run build` (dist/ must exist)
import { spawn, spawnSync } from 'node:child_process'
import net from 'node:net'
import { fileURLToPath } from 'node:url'
import { demoTitles, listed } from './demos.mjs'

const root = fileURLToPath(new URL('../', import.meta.url))
const HOST = '127.0.0.1'
const READY_TIMEOUT = 120_000

if (!process.argv.includes('--no-build')) {
  console.log('lifeline: building the library (npm run build)…')
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' })
  if (build.status !== 0) process.exit(build.status ?? 1)
}

/** `preferred` if it is free on HOST, else any free port. */
const freePort = (preferred) => new Promise((resolve) => {
  const probe = net.createServer()
  probe.once('error', () => resolve(preferred ? freePort(0) : Promise.reject(new Error('no free port'))))
  probe.listen(preferred, HOST, () => {
    const { port } = probe.address()
    probe.close(() => resolve(port))
  })
})

// Imported after the build: it loads dist/server.js.
const { startDemo } = await import('../demo/server.mjs')
const demo = await startDemo({ port: 0, host: HOST })
const port = await freePort(Number(process.env.PORT ?? 6006))
const url = `http://${HOST}:${port}/`

// The vite dev server proxies /ws and /control to the demo server (.storybook/main.ts).
const storybook = spawn(process.execPath, [
  'node_modules/.bin/storybook', 'dev', '--ci', '--no-open', '--no-version-updates', '--quiet',
  '--exact-port', '-p', String(port), '--host', HOST,
], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], detached: true, env: { ...process.env, LIFELINE_DEMO_PORT: String(demo.port), STORYBOOK_DISABLE_TELEMETRY: '1' } })
storybook.stdout.on('data', (chunk) => { if (process.env.DEBUG) process.stdout.write(chunk) })

let stopping = false
const stop = async (code = 0) => {
  if (stopping) return
  stopping = true
  // Storybook runs in its own process group, so its workers die with it.
  try { process.kill(-storybook.pid, 'SIGTERM') } catch { /* already gone */ }
  await demo.close()
  process.exit(code)
}
process.once('SIGINT', () => stop(0))
process.once('SIGTERM', () => stop(0))
storybook.once('exit', (code) => {
  if (!stopping) console.error(`lifeline: Storybook exited (${code}); stopping`)
  stop(code ?? 1)
})

// Ready when the preview iframe answers, which is what a browser needs first.
const deadline = Date.now() + READY_TIMEOUT
for (;;) {
  const ok = await fetch(`http://${HOST}:${port}/iframe.html`).then((r) => r.ok, () => false)
  if (ok) break
  if (Date.now() > deadline) {
    console.error(`lifeline: Storybook did not answer on port ${port} within ${READY_TIMEOUT / 1000} s`)
    await stop(1)
  }
  await new Promise((resolve) => setTimeout(resolve, 250))
}
console.log(`
  lifeline gallery:  ${url}
  demo server:       ${demo.url}  (socket /ws, control /control/status)

  Start at Welcome; the demos are ${listed(demoTitles())}
  (docs/gallery.md shows each one).
  The chat as a whole app: npm run example:react, example:vue or example:svelte.
  Ctrl+C stops everything.
`)
