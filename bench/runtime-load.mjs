// One runtime's side of bench/runtimes.mjs: a lifeline server and a lifeline client (on the
// runtime's own WebSocket; Node 20: ws) in the same process, over loopback. The server is
// lifeline-ws/server on ws (through Deno's and Bun's Node compatibility), or with the argument
// `native`, lifeline-ws/server/deno or /bun on the runtime's own WebSocket server. Prints one
// JSON line: medians of `rounds` rounds, ms.
import WebSocket from 'ws'
import { createClient } from '../dist/lifeline.js'
import { exit, runtimeName } from '../test/runtimes/runtime.mjs'

const CALLS = 10_000
const IN_FLIGHT = 100
const NOTIFICATIONS = 20_000
const ROUNDS = 5
const version = runtimeName().replace(/ \(.*/, '')
const runtime = version.split(' ')[0]
const native = [...(globalThis.process?.argv ?? []), ...(globalThis.Deno?.args ?? [])].includes('native')
const entry = native ? `../dist/server-${globalThis.Deno ? 'deno' : 'bun'}.js` : '../dist/server.js'
const { createServer } = await import(entry)

let counted = 0
const server = createServer({ port: 0, host: '127.0.0.1', methods: { echo: (params) => params, note: () => void counted++ }, rateLimit: false, maxQueued: 100_000, onError: () => {} })
await server.ready
const client = createClient(`ws://127.0.0.1:${server.port}/`, { WebSocket: globalThis.WebSocket ?? WebSocket, queue: { maxMessages: 100_000, maxBytes: 1 << 26 } })
await client.ready()

const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]
async function calls() {
  const start = performance.now()
  let next = 0
  const worker = async () => {
    while (next < CALLS) {
      next++
      await client.call('echo', { n: next })
    }
  }
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker))
  return performance.now() - start
}
async function notifications() {
  counted = 0
  const start = performance.now()
  for (let n = 0; n < NOTIFICATIONS; n++) client.notify('note', { n })
  while (counted < NOTIFICATIONS) await new Promise((resolve) => setTimeout(resolve, 1))
  return performance.now() - start
}
await calls()
const callTimes = []
const noteTimes = []
for (let round = 0; round < ROUNDS; round++) {
  callTimes.push(await calls())
  noteTimes.push(await notifications())
}
console.log(JSON.stringify({ runtime, version, server: native ? 'native' : 'ws', calls: CALLS, callsMs: median(callTimes), notifications: NOTIFICATIONS, notificationsMs: median(noteTimes) }))
client.close()
await server.close()
exit(0)
