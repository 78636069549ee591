// What appending a broadcast to the sessions waiting in a store costs (docs/delivery.md, "Broadcasts to a
// session waiting in the store"), side by side: the in-memory createSessionStore(), and redisSessionStore
// saved whole and written through, on a redis-server of its own. For 100, 1,000 and 10,000 waiting sessions
// (each with 2 kept frames), 20 broadcasts of a 60-byte event: the mean wall time of one `store.broadcast`
// as the server awaits it, and for Redis the time the script held Redis (INFO commandstats, per call),
// which every other command waits behind.
// `npm run build && node bench/redis-waiting.mjs [--dist path/to/dist]` (needs redis-server).
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { startRedisServer } from './lib/redis-server.mjs'

const distArgument = process.argv.indexOf('--dist')
const dist = resolve(distArgument > 0 ? process.argv[distArgument + 1] : new URL('../dist', import.meta.url).pathname)
const { createSessionStore, redisSessionStore } = await import(pathToFileURL(join(dist, 'server.js')).href)
const { Redis } = await import('ioredis')

const COUNTS = [100, 1000, 10_000]
const BROADCASTS = 20
const frame = JSON.stringify({ jsonrpc: '2.0', method: 'tick', params: { n: 123456, at: 1796680000000 } })
const MAX_BYTES = 1 << 20

const redisServer = await startRedisServer('waiting')
const { url } = redisServer
const inspect = new Redis(url)

/** Microseconds Redis spent per EVAL/EVALSHA since the last reset. */
async function scriptMicros() {
  const info = await inspect.info('commandstats')
  let calls = 0
  let usec = 0
  for (const line of info.split('\n')) {
    const match = /^cmdstat_(eval|evalsha):calls=(\d+),usec=(\d+)/.exec(line)
    if (match) {
      calls += Number(match[2])
      usec += Number(match[3])
    }
  }
  return calls ? usec / calls : 0
}

async function measure(kind, count) {
  const prefix = `bench:${kind}:${count}:`
  const store = kind === 'memory' ? createSessionStore() : redisSessionStore({ url, prefix, writeThrough: kind === 'redis, written through', commandTimeout: 10_000 })
  const expires = Date.now() + 600_000
  for (let i = 0; i < count; i += 500) {
    const saves = []
    for (let k = i; k < Math.min(count, i + 500); k++) saves.push(store.save({ id: `s${k}`, received: 3, sent: 2, frames: ['a'.repeat(40), 'b'.repeat(40)], expires }))
    await Promise.all(saves)
  }
  await inspect.config('RESETSTAT')
  const started = process.hrtime.bigint()
  for (let n = 0; n < BROADCASTS; n++) await store.broadcast(frame, MAX_BYTES)
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6 / BROADCASTS
  const redisMs = kind === 'memory' ? undefined : (await scriptMicros()) / 1000
  const taken = await store.take('s0')
  if (taken.frames.length !== 2 + BROADCASTS) throw new Error(`${kind}: the session has ${taken.frames.length} frames, not ${2 + BROADCASTS}`)
  await store.close?.()
  return { wallMs, redisMs }
}

const kinds = ['memory', 'redis, saved whole', 'redis, written through']
const rows = []
for (const count of COUNTS) {
  const results = {}
  for (const kind of kinds) results[kind] = await measure(kind, count)
  rows.push({ count, results })
}
await inspect.flushall()
inspect.disconnect()
redisServer.stop()

const ms = (value) => {
  if (value === undefined) return '—'
  return value < 1 ? value.toFixed(3) : value.toFixed(1)
}
console.log(`| waiting sessions | ${kinds.map((kind) => `${kind}: ms per broadcast (Redis busy, ms)`).join(' | ')} | Redis saved whole / memory |`)
console.log(`| ---: | ${kinds.map(() => '---:').join(' | ')} | ---: |`)
for (const { count, results } of rows) {
  const cells = kinds.map((kind) => `${ms(results[kind].wallMs)}${results[kind].redisMs === undefined ? '' : ` (${ms(results[kind].redisMs)})`}`)
  const ratio = results['redis, saved whole'].wallMs / results.memory.wallMs
  console.log(`| ${count.toLocaleString('en')} | ${cells.join(' | ')} | ${ratio.toFixed(0)}× |`)
}
