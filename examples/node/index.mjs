// lifeline from Node 20, which has no global WebSocket: pass `ws`'s.
// Starts its own lifeline server, then shows a call, a server-pushed event
// and a topic subscription, and exits.
//   node examples/node/index.mjs      (after `npm run build`)
import { WebSocket } from 'ws'
import { createClient } from 'lifeline-ws'
import { createServer } from 'lifeline-ws/server'

const server = createServer({
  port: 0,
  host: '127.0.0.1',
  methods: {
    add: ({ a, b }) => a + b,
    // Answer, then push an event to this client alone.
    greet: ({ name }, ctx) => {
      setTimeout(() => ctx.notify('greeting', { text: `hello, ${name}` }))
      return 'ok'
    },
  },
})
await server.ready

const client = createClient(`ws://127.0.0.1:${server.port}`, { WebSocket })

// 1. A call: resolves with the method's result (or rejects with a typed error).
console.log('call add(2, 3) ->', await client.call('add', { a: 2, b: 3 }))

// 2. An event the server pushes: `listen`, not `on` (that is for the lifecycle).
const greeting = new Promise((resolve) => {
  const unlisten = client.listen('greeting', (payload) => {
    unlisten()
    resolve(payload)
  })
})
await client.call('greet', { name: 'node' })
console.log('event greeting ->', await greeting)

// 3. A topic: subscribe once; it is re-sent after every reconnect.
const prices = []
let allArrived
const arrived = new Promise((resolve) => { allArrived = resolve })
const sub = client.subscribe('prices', (tick, { seq }) => {
  prices.push({ ...tick, seq })
  if (prices.length === 3) allArrived()
})
await sub.ready
for (const price of [101, 102, 103]) server.publish('prices', { price })
await arrived
console.log('topic prices ->', prices)

sub.unsubscribe()
client.close()
await server.close()
