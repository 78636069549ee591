// 5,000 idle connections to a real server in a child process of its own (so that its memory is
// its own, not the test's): all are served (each answers a ping), and the server's memory per
// connection is measured and printed (docs/reliability.md quotes it). No speed is asserted.
import { execFileSync } from 'node:child_process'
import { afterAll, expect, it } from 'vitest'
import WebSocket from 'ws'
import { buildEntry } from '../../chaos/build'
import { startServerChild, type ServerChild } from '../../chaos/child'

const CONNECTIONS = 5000
const BATCH = 250
const sockets: WebSocket[] = []
let child: ServerChild | undefined

afterAll(async () => {
  for (const socket of sockets) socket.terminate()
  await child?.stop()
})

function connect(port: number): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/`)
    sockets.push(socket)
    socket.once('open', () => resolve(socket))
    socket.once('error', reject)
  })
}

function ping(socket: WebSocket, id: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onMessage = (data: WebSocket.RawData) => {
      const reply = JSON.parse(String(data)) as { id?: unknown; result?: unknown }
      if (reply.id !== id) return
      socket.off('message', onMessage)
      if (reply.result === 'pong') resolve()
      else reject(new Error(`connection ${id}: ${String(data)}`))
    }
    socket.on('message', onMessage)
    socket.send(JSON.stringify({ jsonrpc: '2.0', id, method: 'rpc.ping' }))
  })
}

// Each connection takes a descriptor here and one in the server process: below this, the test would
// measure EMFILE, not the server. `ulimit -n` is inherited by the server process too.
const descriptors = Number(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim())
const enough = !Number.isFinite(descriptors) || descriptors >= CONNECTIONS + 1000
if (!enough) console.warn(`hostile-idle: skipped, ulimit -n is ${descriptors}; ${CONNECTIONS + 1000} descriptors are needed`)

it.runIf(enough)(`serves ${CONNECTIONS} idle connections, and measures the server's memory per connection`, async () => {
  const script = await buildEntry('server-child.ts', 'server-child')
  // No topic traffic: the connections are idle.
  child = await startServerChild(script, { CHAOS_PUBLISH_EVERY: '3600000' })
  const before = await child.memory()
  for (let start = 0; start < CONNECTIONS; start += BATCH) {
    await Promise.all(Array.from({ length: Math.min(BATCH, CONNECTIONS - start) }, () => connect(child!.port)))
  }
  await Promise.all(sockets.map((socket, index) => ping(socket, index)))
  const after = await child.memory()
  expect(after.connections).toBe(CONNECTIONS)
  const heap = Math.round((after.heapUsed - before.heapUsed) / CONNECTIONS)
  const rss = Math.round((after.rss - before.rss) / CONNECTIONS)
  console.log(`idle connections: ${CONNECTIONS}; server heap ${heap} bytes/connection, rss ${rss} bytes/connection (heap ${before.heapUsed} -> ${after.heapUsed}, rss ${before.rss} -> ${after.rss})`)
}, 180_000)
