#!/usr/bin/env node
// `npm run demo:cluster`: a Redis and three lifeline server processes on it
// (docs/scaling.md). Each process listens on its own port (8801, 8802, 8803
// by default) with the socket at /ws; a message published on any of them
// reaches the subscribers of all three, and a client that moves between them
// resumes its topics with no gap and no duplicate.
//
//   npm run build && npm run demo:cluster [-- --port 8801] [-- --redis redis://host:port]
//
// Without --redis it starts its own redis-server (Debian's `redis-server`
// package) on a free loopback port, with persistence off, and stops it on exit.
// The first process publishes the `ticker` topic every 500 ms (the gallery's
// dashboard shape); every process answers `echo`, `whoami`, `cluster`, and
// `chat.say` { room, user, text } (published on `chat:<room>`, kept in Redis).
// Point the built gallery's dashboard at any process with
// `?demo=http://127.0.0.1:8802`, or try it from Node:
//
//   import { createClient } from 'lifeline-ws'
//   const client = createClient('ws://127.0.0.1:8802/ws')
//   client.subscribe('ticker', (tick) => console.log(tick))
//
// Kill one process (`kill -9 <pid>`, the pids are printed) and watch its
// clients move to the others. It imports the built entry, dist/server.js; in
// your own app that is `import { createServer, redisBroker } from 'lifeline-ws/server'`.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import http from 'node:http'
import { createServer as createNetServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const { values } = parseArgs({ options: { port: { type: 'string', default: '8801' }, redis: { type: 'string' }, node: { type: 'string' } } })
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]'])

if (values.node !== undefined) await runNode(Number(values.node), Number(values.port), values.redis)
else await runCluster(Number(values.port), values.redis)

/** One server process: http on `port`, the socket at /ws, on the Redis at `url`. */
async function runNode(index, port, url) {
  const { createServer, redisBroker, redisSessionStore, RpcError, InvalidParams } = await import('../dist/server.js')
  const store = redisSessionStore({ url, prefix: 'demo:' })
  const front = http.createServer((req, res) => {
    // The gallery's toolbar asks for a status; the lab's switches are not part of this demo.
    res.setHeader('Access-Control-Allow-Origin', '*')
    res.setHeader('Content-Type', 'application/json')
    if (req.url?.startsWith('/control/status')) res.end(JSON.stringify({ up: true, connections: server.stats.connections, blackholed: false }))
    else res.writeHead(404).end(JSON.stringify({ error: 'lifeline cluster demo: the socket is at /ws' }))
  })
  const text = (value, name) => {
    if (typeof value !== 'string' || !value.trim() || value.length > 500) throw new RpcError(InvalidParams, `Invalid params: ${name} must be a non-empty string`)
    return value.trim()
  }
  const server = createServer({
    server: front,
    path: '/ws',
    allowedOrigins: (origin) => LOOPBACK.has(new URL(origin).hostname),
    broker: redisBroker({ url, prefix: 'demo:', history: { limit: 500, maxAge: 600_000 } }),
    sessions: { store },
    methods: {
      echo: (params) => params ?? null,
      whoami: () => ({ pid: process.pid, port }),
      cluster: () => server.cluster(),
      'chat.say': async (params) => {
        const room = text(params?.room, 'room')
        const message = { room, user: text(params?.user, 'user'), text: text(params?.text, 'text'), at: Date.now(), via: port }
        return { seq: await server.publish(`chat:${room}`, message) }
      },
    },
  })
  await new Promise((resolve) => front.listen(port, '127.0.0.1', resolve))
  await server.ready
  let tick = 0
  let value = 50
  const ticker = index === 0 && setInterval(() => {
    value = Math.min(100, Math.max(0, value + (Math.random() - 0.5) * 8))
    server.publish('ticker', { t: ++tick, at: Date.now(), value: Math.round(value * 10) / 10 }).catch((err) => console.error(String(err)))
  }, 500)
  console.log(`  process ${index + 1}: ws://127.0.0.1:${port}/ws (pid ${process.pid})`)
  process.once('SIGTERM', async () => {
    clearInterval(ticker)
    await server.close()
    await store.close()
    front.close()
    process.exit(0)
  })
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createNetServer().once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address()
      probe.close(() => resolve(port))
    })
  })
}

/** Start redis-server on a free port in a temporary directory, persistence off. */
async function startRedis() {
  const dir = mkdtempSync(join(tmpdir(), 'lifeline-demo-redis-'))
  const port = await freePort()
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: ['ignore', 'pipe', 'inherit'] })
  await new Promise((resolve, reject) => {
    let output = ''
    child.once('error', (err) => reject(new Error(`could not start redis-server (apt-get install redis-server, or pass --redis URL): ${err.message}`)))
    child.stdout.on('data', (chunk) => {
      output += chunk
      if (output.includes('Ready to accept connections')) resolve()
    })
  })
  return { url: `redis://127.0.0.1:${port}`, stop: () => { child.kill('SIGKILL'); rmSync(dir, { recursive: true, force: true }) } }
}

async function runCluster(basePort, url) {
  const redis = url ? { url, stop: () => {} } : await startRedis()
  console.log(`lifeline cluster demo on ${redis.url}${url ? '' : ' (a redis-server of its own)'}:`)
  const children = [0, 1, 2].map((index) =>
    spawn(process.execPath, [fileURLToPath(import.meta.url), '--node', String(index), '--port', String(basePort + index), '--redis', redis.url], { stdio: 'inherit' }))
  const quit = async () => {
    await Promise.all(children.map((child) => new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve()
      child.once('exit', resolve)
      child.kill('SIGTERM')
    })))
    redis.stop()
    process.exit(0)
  }
  process.once('SIGINT', quit)
  process.once('SIGTERM', quit)
}
