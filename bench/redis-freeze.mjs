// A frozen Redis (issue #26, defect 3), measured: a redis-server of its own is stopped with SIGSTOP
// (no answers, its socket stays open) for 5 s while one server process publishes 1,000 times a second
// (5,000 messages of about 1 KB); then SIGCONT. Prints how many publishes were still pending at the end
// of the freeze, the slowest settle, the heap growth over the freeze (after a full GC), and the topic's
// counter once Redis is back (publishes that were rejected must not have been applied).
// `npm run build && node --expose-gc bench/redis-freeze.mjs [--dist path/to/dist]` (needs redis-server).
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { startRedisServer } from './lib/redis-server.mjs'

const distArgument = process.argv.indexOf('--dist')
const dist = resolve(distArgument > 0 ? process.argv[distArgument + 1] : new URL('../dist', import.meta.url).pathname)
const { createServer, redisBroker } = await import(pathToFileURL(join(dist, 'server.js')).href)
const gc = globalThis.gc ?? (() => { throw new Error('run with node --expose-gc') })

const FREEZE = Number(process.env.FREEZE_MS ?? 5000)
const PER_SECOND = 1000
const payload = 'x'.repeat(1000)

const redisServer = await startRedisServer('freeze')
const redis = redisServer.child
const port = redisServer.port

const errors = []
const server = createServer({ port: 0, host: '127.0.0.1', broker: redisBroker({ url: `redis://127.0.0.1:${port}`, prefix: 'freeze:' }), onError: (err) => errors.push(String(err)) })
await server.ready
await server.publish('t', 'before')
gc()
const heapBefore = process.memoryUsage().heapUsed

redis.kill('SIGSTOP')
const frozenAt = Date.now()
let pending = 0
let rejected = 0
let slowest = 0
for (let sent = 0; sent < (FREEZE / 1000) * PER_SECOND; sent += 10) {
  for (let n = 0; n < 10; n++) {
    const started = Date.now()
    pending++
    Promise.resolve(server.publish('t', { n: sent + n, payload })).then(
      () => {},
      () => {
        rejected++
      },
    ).finally(() => {
      pending--
      slowest = Math.max(slowest, Date.now() - started)
    })
  }
  await new Promise((done) => setTimeout(done, Math.max(0, frozenAt + ((sent + 10) / PER_SECOND) * 1000 - Date.now())))
}
await new Promise((done) => setTimeout(done, Math.max(0, frozenAt + FREEZE - Date.now())))
gc()
const heapGrowth = process.memoryUsage().heapUsed - heapBefore
const pendingAtThaw = pending
redis.kill('SIGCONT')
while (pending > 0) await new Promise((done) => setTimeout(done, 20))
const thawedAt = Date.now()
let after
while (after === undefined) {
  try {
    after = await server.publish('t', 'after')
  } catch {
    await new Promise((done) => setTimeout(done, 50))
  }
}

console.log(`publishes during a ${FREEZE} ms freeze: ${(FREEZE / 1000) * PER_SECOND}`)
console.log(`  still pending when Redis woke up: ${pendingAtThaw}`)
console.log(`  rejected: ${rejected}`)
console.log(`  slowest settle: ${slowest} ms`)
console.log(`  heap growth over the freeze (after GC): ${(heapGrowth / 1024 / 1024).toFixed(1)} MiB`)
console.log(`  all settled ${thawedAt - frozenAt - FREEZE} ms after SIGCONT`)
console.log(`  the next publish after Redis came back got seq ${after} (2 = none of the rejected ones was applied)`)
console.log(`  onError: ${errors.length} report(s)${errors[0] ? `, first: ${errors[0]}` : ''}`)
await server.close()
redisServer.stop()
