// Scale-out (docs/scaling.md): what Redis costs. Publish-to-receive latency
// (p50, p99: a publisher asks process 1 to publish, subscribers on every
// process receive; the clock is this process's, so the publisher's own hop is
// in every number alike) and fan-out throughput (deliveries per second to
// every subscriber), for 1 process with the in-memory broker, 1 process on
// Redis, and 3 processes on Redis. Raw ws clients on loopback; a
// redis-server of its own (persistence off). Needs `npm run build`.
import WebSocket from 'ws'
import { launch, startRedis } from './lib/processes.mjs'
import { median, percentile, ratio, table } from './lib/stats.mjs'

const now = () => performance.timeOrigin + performance.now()

const stop = (child) => new Promise((resolve) => {
  if (child.exitCode !== null || child.signalCode !== null) return resolve()
  child.once('exit', resolve)
  child.kill('SIGTERM')
})

async function startNodes(count, redisUrl) {
  const script = new URL('./lib/cluster-node.mjs', import.meta.url).pathname
  const env = redisUrl ? { REDIS_URL: redisUrl, PREFIX: `bench:${Math.random().toString(36).slice(2)}:` } : {}
  const started = await Promise.all(Array.from({ length: count }, () => launch(process.execPath, [script], env, (out) => out.includes('\n') && JSON.parse(out.split('\n')[0]))))
  return started.map(({ child, match }) => ({ child, port: match.port }))
}

function connect(port) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/`, { perMessageDeflate: false })
    socket.once('open', () => resolve(socket))
    socket.once('error', reject)
  })
}

/** `perProcess` subscribers on each process, subscribed to `topic` (answers awaited). */
async function subscribers(nodes, perProcess, topic) {
  const all = []
  for (const node of nodes) {
    for (let i = 0; i < perProcess; i++) {
      const socket = await connect(node.port)
      await new Promise((resolve) => {
        socket.once('message', resolve)
        socket.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'rpc.subscribe', params: { topic } }))
      })
      all.push(socket)
    }
  }
  return all
}

/** One message at a time: each is published once the previous reached every subscriber. */
async function latency(publisher, subs, count) {
  const samples = []
  for (let i = 0; i < count; i++) {
    const sent = now()
    const arrived = Promise.all(subs.map((socket) => new Promise((resolve) => socket.once('message', () => resolve(now() - sent)))))
    publisher.send(JSON.stringify({ jsonrpc: '2.0', method: 'publish', params: { topic: 'lat', data: { i } } }))
    samples.push(...(await arrived))
  }
  return samples
}

/** `count` messages as fast as the publisher can send them; deliveries per second until the last subscriber has all. */
async function fanOut(publisher, subs, count) {
  const started = now()
  const done = Promise.all(subs.map((socket) => new Promise((resolve) => {
    let received = 0
    const onMessage = () => {
      received++
      if (received === count) {
        socket.off('message', onMessage)
        resolve()
      }
    }
    socket.on('message', onMessage)
  })))
  for (let i = 0; i < count; i++) publisher.send(JSON.stringify({ jsonrpc: '2.0', method: 'publish', params: { topic: 'fan', data: { i, pad: 'x'.repeat(64) } } }))
  await done
  return (count * subs.length) / ((now() - started) / 1000)
}

export async function run({ n = 2000, rounds = 3 } = {}) {
  const redis = await startRedis()
  const scenarios = [['1 process, in memory', 1, undefined], ['1 process, Redis', 1, redis.url], ['3 processes, Redis', 3, redis.url]]
  const subscribersTotal = 30
  const rows = []
  try {
    for (const [name, count, url] of scenarios) {
      const p50 = []
      const p99 = []
      const rates = []
      for (let round = 0; round < rounds; round++) {
        const nodes = await startNodes(count, url)
        try {
          const publisher = await connect(nodes[0].port)
          const latSubs = await subscribers(nodes, subscribersTotal / count, 'lat')
          // Warm up (JIT, connections, Lua script cache), then measure.
          await latency(publisher, latSubs, 50)
          const samples = await latency(publisher, latSubs, Math.max(100, n / 10))
          p50.push(percentile(samples, 50))
          p99.push(percentile(samples, 99))
          for (const socket of latSubs) socket.terminate()
          const fanSubs = await subscribers(nodes, subscribersTotal / count, 'fan')
          rates.push(await fanOut(publisher, fanSubs, n))
          for (const socket of fanSubs) socket.terminate()
          publisher.terminate()
        } finally {
          await Promise.all(nodes.map((node) => stop(node.child)))
        }
      }
      rows.push({ name, p50: median(p50), p99: median(p99), rate: median(rates) })
    }
  } finally {
    await redis.close()
  }
  const [base] = rows
  const text = `### Publish to receive, ${subscribersTotal} subscribers spread over the processes (median of ${rounds} rounds)\n\n` + table(
    ['setup', 'p50 ms', 'p99 ms', 'p50 vs memory', 'fan-out deliveries/s', 'throughput vs memory'],
    rows.map((row) => [row.name, row.p50.toFixed(2), row.p99.toFixed(2), ratio(row.p50, base.p50), Math.round(row.rate).toLocaleString('en-US'), ratio(row.rate, base.rate)]),
  )
  return { text, rows, n, subscribers: subscribersTotal }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log((await run()).text)
