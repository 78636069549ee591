// What keeping topics across a restart costs a publish (docs/delivery.md, "Topics across a
// restart"), side by side in one run: the in-memory default (lost with the process), fileHistory
// (one synchronous append per message, survives kill -9) and redisBroker (a round trip per
// publish, shared by several processes; a redis-server of its own, persistence off). Each publish
// goes through `server.publish` of a server with no client, so what differs is the history alone.
// Wall time (a write blocks the event loop, which CPU time would hide), rounds interleaved so the
// shared machine's drift hits every contender alike, median of the rounds, ratios to memory.
// Also what a restart costs fileHistory: reading back a file of a full history.
//   npm run bench -- history [--n 20000] [--rounds 5]      (after `npm run build`: measures dist/server.js)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { root } from './lib/env.mjs'
import { startRedis } from './lib/processes.mjs'
import { median, ratio, table } from './lib/stats.mjs'

const TOPICS = 10
const LIMIT = 1000
const message = { id: 'ada-lx3k-1', from: 'ada', text: 'a chat message of a typical length, some sixty characters' }

/** A server with no listener and no client: `publish` costs numbering, the history and an empty fan-out. */
async function serverWith(lifeline, options) {
  const server = lifeline.createServer({ noServer: true, ...options })
  await server.ready
  return server
}

/** Wall nanoseconds per publish, `n` messages over TOPICS topics, one after the other (awaited when async). */
async function publishTime(server, n) {
  const t0 = process.hrtime.bigint()
  for (let k = 0; k < n; k++) {
    const seq = server.publish(`room:${k % TOPICS}`, message)
    if (typeof seq != 'number') await seq
  }
  return Number(process.hrtime.bigint() - t0) / n
}

export async function run({ n = 20_000, rounds = 5 } = {}) {
  const lifeline = await import(pathToFileURL(join(root, 'dist/server.js')).href)
  const dir = mkdtempSync(join(tmpdir(), 'lifeline-bench-history-'))
  const redis = await startRedis().catch((err) => ({ failed: err }))
  const contenders = [
    ['createHistory (memory, the default)', () => ({ history: lifeline.createHistory({ limit: LIMIT }) })],
    ['fileHistory (a file, one process)', (round) => ({ history: lifeline.fileHistory(join(dir, `round-${round}.jsonl`), { limit: LIMIT }) })],
  ]
  if (!redis.failed) {
    contenders.push(['redisBroker (Redis, any processes)', (round) => ({ broker: lifeline.redisBroker({ url: redis.url, prefix: `bench-history-${round}:`, history: { limit: LIMIT } }) })])
  }
  const samples = new Map(contenders.map(([name]) => [name, []]))
  try {
    // Round 0 warms the JIT and the Redis connection up and is not counted.
    for (let round = 0; round <= rounds; round++) {
      for (let i = 0; i < contenders.length; i++) {
        const [name, options] = contenders[(i + round) % contenders.length]
        const server = await serverWith(lifeline, options(round))
        const ns = await publishTime(server, n)
        await server.close()
        if (round > 0) samples.get(name).push(ns)
      }
    }
  } finally {
    await redis.close?.()
  }

  // A restart on fileHistory: a new process reads back a file of TOPICS full histories.
  const file = join(dir, 'full.jsonl')
  const at = Date.now()
  const lines = []
  for (let k = 0; k < TOPICS * LIMIT; k++) lines.push(JSON.stringify({ t: `room:${k % TOPICS}`, s: Math.floor(k / TOPICS) + 1, d: message, a: at }))
  writeFileSync(file, `${lines.join('\n')}\n`)
  const reads = []
  for (let round = 0; round <= rounds; round++) {
    const t0 = performance.now()
    const history = lifeline.fileHistory(file, { limit: LIMIT })
    const ms = performance.now() - t0
    if (history.latest('room:0') !== LIMIT) throw new Error('bench/history.mjs: the file was not read back whole')
    if (round > 0) reads.push(ms)
  }
  rmSync(dir, { recursive: true, force: true })

  const base = median(samples.get(contenders[0][0]))
  const rows = contenders.map(([name]) => {
    const ns = median(samples.get(name))
    return { name, nsPerPublish: Math.round(ns), publishesPerSecond: Math.round(1e9 / ns), vsMemory: ns / base }
  })
  const text = [
    `### server.publish, ${n} messages over ${TOPICS} topics, history limit ${LIMIT} (median wall time of ${rounds} rounds)`,
    '',
    table(['history', 'µs / publish', 'publishes / s', 'vs memory'], rows.map((row) => [
      row.name, (row.nsPerPublish / 1000).toFixed(2), row.publishesPerSecond.toLocaleString('en-US'), ratio(row.nsPerPublish, base),
    ])),
    ...(redis.failed ? ['', `(redisBroker not measured: no redis-server here: ${redis.failed.message})`] : []),
    '',
    `fileHistory at start: reading back ${(TOPICS * LIMIT).toLocaleString('en-US')} kept messages took ${median(reads).toFixed(1)} ms (median of ${rounds}).`,
  ].join('\n')
  return { text, rows, readBackMs: median(reads), n, rounds }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) console.log((await run()).text)
