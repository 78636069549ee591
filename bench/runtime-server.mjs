// The server side of bench/runtimes.mjs's second table: a lifeline server alone in this runtime
// (lifeline-ws/server on ws, or with the argument `native` the runtime's own entry), driven from
// another process. Prints `listening <port>` once ready. Its methods: `echo`, `burst` (publish n
// messages to topic `t`), `memory` (this process's RSS after a collection where the runtime has one).
import { exit } from '../test/runtimes/runtime.mjs'

const { Deno, Bun } = globalThis
const native = [...(globalThis.process?.argv ?? []), ...(Deno?.args ?? [])].includes('native')
const entry = native ? `../dist/server-${Deno ? 'deno' : 'bun'}.js` : '../dist/server.js'
const { createServer } = await import(entry)

function rss() {
  globalThis.gc?.()
  Bun?.gc(true)
  return Deno ? Deno.memoryUsage().rss : process.memoryUsage().rss
}

const server = createServer({
  port: 0,
  host: '127.0.0.1',
  rateLimit: false,
  maxQueued: 100_000,
  maxConnectionsPerAddress: 100_000,
  heartbeat: false,
  sessions: false,
  onError: () => {},
  methods: {
    echo: (params) => params,
    burst: ({ n }) => {
      for (let seq = 0; seq < n; seq++) server.publish('t', { seq, text: 'a small message of about eighty bytes in all' })
      return n
    },
    memory: () => rss(),
  },
})
await server.ready
console.log(`listening ${server.port}`)
// The driver ends this process by closing its stdin.
const stdin = Deno ? Deno.stdin.readable : process.stdin
if (Deno) {
  for await (const _chunk of stdin) void _chunk
} else {
  await new Promise((resolve) => {
    process.stdin.resume()
    process.stdin.on('end', resolve)
  })
}
await server.close()
exit(0)
