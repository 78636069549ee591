// One server process of the cluster bench: lifeline-ws/server (dist/server.js)
// on a free loopback port, with the in-memory broker or the Redis one
// (REDIS_URL). Prints `{"port":N}` once ready; `publish` { topic, data }
// publishes. SIGTERM closes it.
import { createServer, redisBroker } from '../../dist/server.js'

const url = process.env.REDIS_URL
const server = createServer({
  port: 0,
  host: '127.0.0.1',
  heartbeat: false,
  maxQueued: 100_000,
  ...(url && { broker: redisBroker({ url, prefix: process.env.PREFIX, history: { limit: 1000 } }) }),
  onError: (err) => console.error(String(err)),
  methods: {
    publish: ({ topic, data }) => server.publish(topic, data),
  },
})
await server.ready
process.stdout.write(`${JSON.stringify({ port: server.port })}\n`)
process.once('SIGTERM', () => server.close().then(() => process.exit(0)))
