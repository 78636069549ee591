// One server process of the cluster tests: createServer on a free loopback
// port with the Redis broker, printing `{"port":N}` once ready. It imports
// the server bundle the test built (LIFELINE_SERVER); REDIS_URL and PREFIX
// say where its Redis is. SIGTERM closes it gracefully; the tests also kill
// it with SIGKILL.
const { createServer, redisBroker, redisSessionStore } = await import(process.env.LIFELINE_SERVER)

const url = process.env.REDIS_URL
const prefix = process.env.PREFIX
let streaming
const store = redisSessionStore({ url, prefix })
const server = createServer({
  port: 0,
  host: '127.0.0.1',
  broker: redisBroker({ url, prefix, reportInterval: 200, history: { limit: 10_000 } }),
  sessions: { store, ttl: 30_000 },
  onError: (err) => console.error(String(err)),
  methods: {
    whoami: () => process.pid,
    cluster: () => server.cluster(),
    // Publish `count` messages one after another (each awaited): the stream the tests watch.
    stream: ({ topic, count }) => {
      streaming = (async () => {
        for (let i = 1; i <= count; i++) {
          try {
            await server.publish(topic, i)
          } catch (err) {
            console.error(String(err))
            i--
            await new Promise((resolve) => setTimeout(resolve, 20))
          }
        }
      })()
      return null
    },
    streamed: async () => {
      await streaming
      return null
    },
  },
})
await server.ready
process.stdout.write(JSON.stringify({ port: server.port }) + '\n')
process.on('SIGTERM', () => {
  server.close().then(() => store.close()).then(() => process.exit(0))
})
