// The runtime smoke suite: lifeline's built package (dist/) in whichever runtime runs this file,
// Node, Deno 2 or Bun 1. The client entries (lifeline-ws, /socket, /share) on the runtime's own
// WebSocket (Node 20 has none: `ws`); the server scenarios (scenarios.mjs) on every kind of server
// the runtime has (servers.mjs): `lifeline-ws/server` on `ws` (through Deno's and Bun's Node
// compatibility), and `lifeline-ws/server/deno` or `/bun` on the runtime's own WebSocket server.
// All on 127.0.0.1, port 0. Prints the runtime's exact version, one line per check, and a closing
// `N passed, N failed`; exits non-zero on any failure. run.mjs runs it in each runtime:
// `node test/runtimes/run.mjs`.
import WebSocket from 'ws'
import { createSocket } from '../../dist/socket.js'
import { createClient as createSharingClient } from '../../dist/share.js'
import { createServer } from '../../dist/server.js'
import { assertEqual, check, summary, until } from './harness.mjs'
import { exit, runtimeName } from './runtime.mjs'
import { serverScenarios } from './scenarios.mjs'
import { serverKinds } from './servers.mjs'

const NativeWebSocket = globalThis.WebSocket
const ClientWebSocket = NativeWebSocket ?? WebSocket
const kinds = await serverKinds()
console.log(`runtime: ${runtimeName()}; client WebSocket: ${NativeWebSocket ? 'the runtime\'s own' : 'ws'}; servers: ${kinds.map((kind) => kind.name).join(', ')}`)

for (const kind of kinds) await serverScenarios(kind, ClientWebSocket)

// The client entries alone, against the server on ws.
const server = createServer({ port: 0, host: '127.0.0.1', methods: { echo: (params) => params }, onError: () => {} })
await server.ready
const url = `ws://127.0.0.1:${server.port}/`
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
await server.close()

const { line, ok } = summary()
console.log(line)
exit(ok ? 0 : 1)
