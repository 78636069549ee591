// lifeline-ws gateway (docs/gateway.md): what the HTTP hop costs. Proxy overhead per call: the
// real client calling `echo` on lifeline-ws/server (the method in Node) against the same call
// through the gateway to a minimal Node backend (gateway + one HTTP hop), and to the Python
// stdlib backend of examples/gateway-python. Sequential calls (latency, p50/p99) and 32 in flight
// (calls per second), the targets interleaved round by round. Then publish-to-client latency from
// the HTTP API: POST /api/publish, timed until the subscribed client's handler runs (one clock,
// this process's), beside a bare GET /healthz round trip as the floor. Every process is a child on
// loopback. Needs `npm run build` (dist/cli.cjs, dist/server.js, dist/lifeline.js).
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import WebSocket from 'ws'
import { lifelineDist, root } from './lib/env.mjs'
import { median, percentile, ratio, table } from './lib/stats.mjs'

const apiKey = 'bench-api-key-0123456789'

/** Start a child; resolve with it and the first stdout line that `ready` accepts. */
function launch(command, args, options, ready) {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'inherit'] })
  return new Promise((resolve, reject) => {
    let output = ''
    child.stdout.on('data', (chunk) => {
      output += chunk
      const line = output.split('\n').find(ready)
      if (line) {
        child.stdout.removeAllListeners('data')
        child.stdout.resume()
        resolve({ child, line })
      }
    })
    child.once('exit', (code) => reject(new Error(`${command} exited ${code} before it was ready:\n${output}`)))
  })
}

const portOf = (line) => JSON.parse(line).port

const directServer = `
const { createServer } = await import(${JSON.stringify(pathToFileURL(join(root, 'dist/server.js')).href)})
const server = createServer({ port: 0, host: '127.0.0.1', methods: { echo: (params) => params } })
await server.ready
console.log(JSON.stringify({ port: server.port }))`

const nodeBackend = `
const { createServer } = await import('node:http')
const server = createServer((request, response) => {
  const chunks = []
  request.on('data', (chunk) => chunks.push(chunk))
  request.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString() || '{}')
    const answer = request.url === '/lifeline/connect' ? { user: 'bench', topics: ['bench'] } : { result: body.params }
    const text = JSON.stringify(answer)
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text)
  })
})
server.keepAliveTimeout = 60000
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })))`

async function startGateway(backendUrl, dir, name) {
  const folder = join(dir, name)
  const config = { port: 0, host: '127.0.0.1', backend: { url: backendUrl }, methods: { echo: {}, 'chat.history': {} }, log: { level: 'info' } }
  mkdirSync(folder)
  writeFileSync(join(folder, 'lifeline.config.json'), JSON.stringify(config))
  const { child, line } = await launch(process.execPath, [join(root, 'dist/cli.cjs'), 'gateway'], { cwd: folder, env: { ...process.env, LIFELINE_API_KEY: apiKey } }, (text) => text.includes('"gateway listening"'))
  return { child, port: JSON.parse(line).port }
}

/** One sequential pass: `n` calls one after another; the latency of each, ms. */
async function sequential(client, method, params, n) {
  const times = []
  for (let i = 0; i < n; i++) {
    const start = performance.now()
    await client.call(method, params)
    times.push(performance.now() - start)
  }
  return times
}

/** `n` calls with `window` in flight; calls per second. */
async function concurrent(client, method, params, n, window) {
  let next = 0
  const start = performance.now()
  const worker = async () => {
    while (next < n) {
      next++
      await client.call(method, params)
    }
  }
  await Promise.all(Array.from({ length: window }, worker))
  return n / ((performance.now() - start) / 1000)
}

const ms = (value) => `${value.toFixed(3)} ms`

export async function run({ n = 2000, rounds = 3 } = {}) {
  if (!lifelineDist) throw new Error('bench/gateway.mjs needs `npm run build` first')
  const { createClient } = await import(pathToFileURL(lifelineDist).href)
  const dir = mkdtempSync(join(tmpdir(), 'lifeline-bench-gateway-'))
  const children = []
  try {
    const direct = await launch(process.execPath, ['--input-type=module', '-e', directServer], {}, (text) => text.startsWith('{"port"'))
    const backend = await launch(process.execPath, ['--input-type=module', '-e', nodeBackend], {}, (text) => text.startsWith('{"port"'))
    const python = await launch('python3', [join(root, 'examples/gateway-python/backend.py'), '0'], { env: { ...process.env, LIFELINE_API_KEY: apiKey } }, (text) => text.startsWith('{"port"'))
    children.push(direct.child, backend.child, python.child)
    const viaNode = await startGateway(`http://127.0.0.1:${portOf(backend.line)}`, dir, 'node')
    const viaPython = await startGateway(`http://127.0.0.1:${portOf(python.line)}`, dir, 'python')
    children.push(viaNode.child, viaPython.child)

    // The Python backend knows its users by a session cookie, as a browser would send it.
    class CookieSocket extends WebSocket {
      constructor(url, protocols) {
        super(url, protocols, { headers: { cookie: 'session=s-alice' } })
      }
    }
    const options = { WebSocket: CookieSocket, reconnect: false, heartbeat: false }
    const targets = [
      { label: 'lifeline-ws/server, method in Node', client: createClient(`ws://127.0.0.1:${portOf(direct.line)}`, options), method: 'echo', params: { text: 'hello' } },
      { label: 'gateway → Node backend (HTTP hop)', client: createClient(`ws://127.0.0.1:${viaNode.port}/ws`, options), method: 'echo', params: { text: 'hello' } },
      { label: 'gateway → Python stdlib backend', client: createClient(`ws://127.0.0.1:${viaPython.port}/ws`, options), method: 'chat.history', params: { room: 'bench' } },
    ]
    for (const target of targets) {
      await target.client.ready()
      await sequential(target.client, target.method, target.params, 200)
      target.times = []
      target.rates = []
    }
    // Interleaved: each round measures every target once, so drift of the shared machine hits all alike.
    for (let round = 0; round < rounds; round++) {
      for (const target of targets) {
        target.times.push(...(await sequential(target.client, target.method, target.params, n)))
        target.rates.push(await concurrent(target.client, target.method, target.params, n, 32))
      }
    }
    const base = median(targets[0].times)
    const calls = targets.map((target) => [
      target.label,
      ms(median(target.times)),
      ms(percentile(target.times, 99)),
      `+${ms(median(target.times) - base)}`,
      ratio(median(target.times), base),
      Math.round(median(target.rates)).toLocaleString('en-US'),
    ])

    // Publish to client: POST /api/publish until the subscriber's handler runs.
    const gatewayHttp = `http://127.0.0.1:${viaNode.port}`
    const subscriber = targets[1].client
    let arrived = () => {}
    subscriber.subscribe('bench', () => arrived())
    await subscriber.call('echo', {})
    const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }
    const publish = async () => {
      const start = performance.now()
      const received = new Promise((resolve) => {
        arrived = resolve
      })
      await fetch(`${gatewayHttp}/api/publish`, { method: 'POST', headers, body: JSON.stringify({ topic: 'bench', data: { at: start } }) }).then((response) => response.arrayBuffer())
      await received
      return performance.now() - start
    }
    const health = async () => {
      const start = performance.now()
      await fetch(`${gatewayHttp}/healthz`).then((response) => response.arrayBuffer())
      return performance.now() - start
    }
    for (let i = 0; i < 200; i++) await publish()
    const publishTimes = []
    const healthTimes = []
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < n / 2; i++) publishTimes.push(await publish())
      for (let i = 0; i < n / 2; i++) healthTimes.push(await health())
    }
    for (const target of targets) target.client.close()
    const publishRows = [
      ['POST /api/publish → client handler', ms(median(publishTimes)), ms(percentile(publishTimes, 99))],
      ['GET /healthz round trip (the floor)', ms(median(healthTimes)), ms(percentile(healthTimes, 99))],
    ]
    const text = [
      `Proxy overhead per call (${rounds} rounds × ${n} sequential calls, and ${n} calls with 32 in flight, per target):`,
      '',
      table(['target', 'p50', 'p99', 'p50 over the method in Node', 'ratio', 'calls/s (32 in flight)'], calls),
      '',
      `Publish to client from the HTTP API (${rounds} rounds × ${n / 2} publishes, one subscriber):`,
      '',
      table(['path', 'p50', 'p99'], publishRows),
    ].join('\n')
    return {
      text,
      calls: targets.map((target) => ({ label: target.label, p50: median(target.times), p99: percentile(target.times, 99), rate: median(target.rates) })),
      publish: { p50: median(publishTimes), p99: percentile(publishTimes, 99) },
      health: { p50: median(healthTimes), p99: percentile(healthTimes, 99) },
    }
  } finally {
    for (const child of children) child.kill()
    rmSync(dir, { recursive: true, force: true })
  }
}
