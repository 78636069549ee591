// Memory: heap bytes per pending call (N calls, the server never answers)
// and per queued frame (N frames while disconnected), measured after GC in a
// fresh process per case. Run as `node --expose-gc bench/memory.mjs <kind> <case> <urls>`
// for one child; run() orchestrates the children.
import { fork } from 'node:child_process'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { startServers } from './lib/spawn-servers.mjs'
import { formatBytes, median, table } from './lib/stats.mjs'
import { lifelineDist } from './lib/env.mjs'

/** The target, heap bytes per pending call. */
export const PENDING_TARGET = 300

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

function heapAfterGc() {
  for (let i = 0; i < 3; i++) globalThis.gc()
  return process.memoryUsage().heapUsed
}

/** One child: build the case, warm it up, add N items, let writes drain, measure. */
async function child(kind, name, urls, n) {
  const cases = await import('./lib/memory-cases.mjs')
  const add = await cases[kind][name](urls)
  const held = new Array(n + 1000).fill(undefined)
  // Warm-up items stay in the baseline so lazily built structures aren't charged to the first N.
  for (let i = 0; i < 1000; i++) held[n + i] = add(i)
  await sleep(300)
  const before = heapAfterGc()
  for (let i = 0; i < n; i++) held[i] = add(i)
  // Let sockets write what they hold, so only what the library keeps is counted.
  await sleep(1500)
  const after = heapAfterGc()
  // Touch add and held after measuring: V8 drops locals an async function no longer
  // needs, and a library with no socket or timer left would be collected with them.
  process.send({ perItem: (after - before) / n, held: held.length, alive: typeof add })
  process.exit(0)
}

/** A loopback port with nothing listening on it. */
export async function refusedPort() {
  const server = createServer()
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address()
  await new Promise((resolve) => server.close(resolve))
  return port
}

function runChild(kind, name, urls, n) {
  return new Promise((resolve, reject) => {
    const c = fork(fileURLToPath(import.meta.url), ['child', kind, name, JSON.stringify(urls), String(n)],
      { execArgv: ['--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    let result
    c.on('message', (m) => { result = m })
    c.on('exit', (code) => (result ? resolve(result.perItem) : reject(new Error(`${kind}/${name} exited with ${code}`))))
  })
}

export async function run({ rounds = 3, n = 100_000 } = {}) {
  const servers = await startServers()
  try {
    const urls = { ...servers.urls, refused: `ws://127.0.0.1:${await refusedPort()}/` }
    const { pending, queued } = await import('./lib/memory-cases.mjs')
    const out = { text: '' }
    for (const [kind, cases, what] of [['pending', pending, 'pending call'], ['queued', queued, 'queued frame']]) {
      const names = Object.keys(cases).filter((name) => lifelineDist || !name.startsWith('lifeline'))
      const samples = Object.fromEntries(names.map((name) => [name, []]))
      for (let r = 0; r < rounds; r++) {
        for (const name of names) {
          const sample = await runChild(kind, name, urls, n).catch((err) => {
            console.warn(err.message)
            return NaN
          })
          samples[name].push(sample)
        }
      }
      const base = median(samples[names[0]])
      const rows = names.map((name) => ({ name, bytes: median(samples[name].filter(Number.isFinite)), samples: samples[name].map(Math.round) }))
      out[kind] = { n, rows }
      out.text += `### Heap per ${what} (${n.toLocaleString('en-US')} items, median of ${rounds})\n\n` + table(
        ['case', `bytes per ${what}`, `vs ${names[0]}`, 'rounds'],
        rows.map((r) => [r.name, formatBytes(r.bytes), `${r.bytes - base >= 0 ? '+' : ''}${Math.round(r.bytes - base)} B`, r.samples.join(' ')]),
      ) + '\n\n'
    }
    const life = out.pending.rows.find((r) => r.name.startsWith('lifeline (default'))
    out.targets = { pendingCall: { limit: PENDING_TARGET, value: life?.bytes ?? null, met: life ? life.bytes <= PENDING_TARGET : null } }
    out.text += `Target: ≤ ${PENDING_TARGET} B per pending call (default options): ` +
      (life ? `${Math.round(life.bytes)} B, ${life.bytes <= PENDING_TARGET ? 'met' : 'MISSED'}.` : 'not measured (no build).')
    return out
  } finally {
    servers.stop()
  }
}

if (process.argv[2] === 'child') await child(process.argv[3], process.argv[4], JSON.parse(process.argv[5]), Number(process.argv[6]))
