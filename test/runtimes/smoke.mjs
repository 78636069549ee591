// The runtime smoke suite: lifeline's built package (dist/) in whichever runtime runs this file,
// Node, Deno 2 or Bun 1. The client entries (lifeline-ws, /socket, /share) on the runtime's own
// WebSocket (Node 20 has none: `ws`), the server entry (lifeline-ws/server) on `ws` through the
// runtime's Node compatibility, on 127.0.0.1, port 0. Prints the runtime's exact version, one line
// per check, and a closing `N passed, N failed`; exits non-zero on any failure.
// run.mjs runs it in each runtime: `node test/runtimes/run.mjs`.
import WebSocket from 'ws'
import { createClient } from '../../dist/lifeline.js'
import { createSocket } from '../../dist/socket.js'
import { createClient as createSharingClient } from '../../dist/share.js'
import { createServer, createSessionStore } from '../../dist/server.js'
import { exit, runtimeName } from './runtime.mjs'

const runtime = runtimeName()
const NativeWebSocket = globalThis.WebSocket
const ClientWebSocket = NativeWebSocket ?? WebSocket
console.log(`runtime: ${runtime}; client WebSocket: ${NativeWebSocket ? 'the runtime\'s own' : 'ws'}; server: lifeline-ws/server on ws`)

const results = []
const deadline = (ms, what) => new Promise((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms))
async function check(name, run) {
  try {
    await Promise.race([run(), deadline(15_000, name)])
    results.push(true)
    console.log(`ok   ${name}`)
  } catch (err) {
    results.push(false)
    console.log(`FAIL ${name}: ${err?.stack ?? err}`)
  }
}
function assertEqual(actual, expected, what) {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`)
}
/** Polls `condition` until it holds (never a fixed sleep). */
async function until(condition, what, ms = 10_000) {
  const end = Date.now() + ms
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

const received = []
const store = createSessionStore()
const methods = { echo: (params) => params, note: ({ n }) => void received.push(n) }
const listen = async (port = 0) => {
  const server = createServer({ port, host: '127.0.0.1', methods, sessions: { store }, onError: () => {} })
  await server.ready
  return server
}
let server = await listen()
const port = server.port
const url = `ws://127.0.0.1:${port}/`
const client = createClient(url, { WebSocket: ClientWebSocket, reconnect: { initialDelay: 50, maxDelay: 200 } })
const sessions = []
client.on('session', ({ resumed }) => sessions.push(resumed))

await check('call: a request answered', async () => {
  assertEqual(await client.call('echo', { hello: 'runtime' }), { hello: 'runtime' }, 'echo')
})
await check('notify: notifications arrive once, in order', async () => {
  for (let n = 1; n <= 50; n++) client.notify('note', { n })
  await until(() => received.length >= 50, '50 notifications')
  assertEqual(received, Array.from({ length: 50 }, (_, i) => i + 1), 'notifications')
})
await check('topic: a subscription gets what the server publishes', async () => {
  const seen = []
  const subscription = client.subscribe('ticks', (data) => seen.push(data))
  await subscription.ready
  server.publish('ticks', 1)
  server.publish('ticks', 2)
  await until(() => seen.length === 2, 'two topic messages')
  assertEqual(seen, [1, 2], 'topic messages')
})
await check('reconnect after a server restart, session resumed, nothing lost or doubled', async () => {
  await server.close()
  await until(() => client.state !== 'open', 'the client to see the restart')
  for (let n = 51; n <= 60; n++) client.notify('note', { n })
  server = await listen(port)
  await client.ready()
  assertEqual(await client.call('echo', { after: 'restart' }), { after: 'restart' }, 'a call after the restart')
  await until(() => received.length >= 60, '60 notifications')
  assertEqual(received, Array.from({ length: 60 }, (_, i) => i + 1), 'every notification once, in order')
  assertEqual(sessions, [false, true], 'sessions: a new one, then resumed')
})
await check('lifeline-ws/socket: a raw socket sends and receives', async () => {
  const socket = createSocket(url, { WebSocket: ClientWebSocket })
  const frames = []
  socket.on('message', (data) => frames.push(String(data)))
  await socket.ready()
  socket.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'echo', params: ['raw'] }))
  await until(() => frames.length > 0, 'an answer on the raw socket')
  assertEqual(JSON.parse(frames[0]).result, ['raw'], 'raw answer')
  socket.close()
})
// Deno has Web Locks and BroadcastChannel: one client there is the leader of its process's clients.
const canShare = Boolean(globalThis.navigator?.locks && globalThis.BroadcastChannel)
await check(`lifeline-ws/share: share: true works (role ${canShare ? 'leader: this runtime has Web Locks and BroadcastChannel' : 'alone: no Web Locks here'})`, async () => {
  const sharing = createSharingClient(url, { WebSocket: ClientWebSocket, share: true })
  await sharing.ready()
  await until(() => sharing.role !== 'follower', 'the election')
  assertEqual(sharing.role, canShare ? 'leader' : 'alone', 'role')
  assertEqual(await sharing.call('echo', { shared: canShare }), { shared: canShare }, 'a call')
  sharing.close()
})

client.close()
await server.close()
const passed = results.filter(Boolean).length
console.log(`${passed} passed, ${results.length - passed} failed`)
exit(passed === results.length ? 0 : 1)
