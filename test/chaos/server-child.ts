/**
 * The chaos suite's server: a real `lifeline-ws/server` (built from src/server) in a child
 * process of its own, so the run can SIGKILL it as well as restart it gracefully. It tells the
 * parent over IPC everything the history check needs, as it happens (a killed process cannot
 * report afterwards): each notification received, each publish.
 *
 * Parent -> child: { type: 'restart' } (graceful: close(), a new server on the same port with
 * the same history and session store), { type: 'memory' }, { type: 'stop' }.
 * Child -> parent: ready { port }, restarted { port }, note { client, n, session }, publish
 * { topic, seq }, memory { heapUsed, rss, connections }, error { message }.
 */
import { createHistory, createServer, createSessionStore, type Server } from '../../src/server/index'

type Message = { type: string; [key: string]: unknown }
const send = (message: Message) => process.send?.(message)

const TOPICS = Number(process.env.CHAOS_TOPICS ?? 4)
const PUBLISH_EVERY = Number(process.env.CHAOS_PUBLISH_EVERY ?? 100)
const gc = (globalThis as { gc?: () => void }).gc

const history = createHistory({ limit: 1000, maxAge: 600_000 })
const store = createSessionStore()

function start(port: number): Server {
  return createServer({
    port,
    host: '127.0.0.1',
    history,
    sessions: { store, ttl: 120_000 },
    heartbeat: { interval: 3000 },
    callTimeout: 3000,
    shutdownTimeout: 2000,
    maxConnectionsPerAddress: 100_000,
    onError: (err) => send({ type: 'error', message: String(err) }),
    methods: {
      echo: (params) => params,
      work: (params) => {
        const ms = Math.min(2000, Number((params as { ms?: number } | undefined)?.ms ?? 0))
        return new Promise((resolve) => setTimeout(() => resolve({ slept: ms }), ms))
      },
      note: (params, ctx) => {
        const { client, n } = params as { client: number; n: number }
        send({ type: 'note', client, n, session: ctx.id })
      },
      // A server-to-client request inside a call: the client answers with its handler.
      ask: async (params, ctx) => {
        const [a, b] = params as [number, number]
        return ctx.call('client.add', [a, b], { timeout: 3000 })
      },
    },
  })
}

let server = start(Number(process.env.CHAOS_PORT ?? 0))
let topicTurn = 0
const publisher = setInterval(() => {
  const topic = `topic-${topicTurn++ % TOPICS}`
  const seq = server.publish(topic, { at: Date.now() })
  send({ type: 'publish', topic, seq })
}, PUBLISH_EVERY)

void server.ready.then(() => send({ type: 'ready', port: server.port }))

process.on('message', (message: Message) => {
  if (message.type === 'restart') {
    const port = server.port!
    void server.close().then(async () => {
      server = start(port)
      await server.ready
      send({ type: 'restarted', port: server.port })
    })
  } else if (message.type === 'memory') {
    gc?.()
    const usage = process.memoryUsage()
    send({ type: 'memory', heapUsed: usage.heapUsed, rss: usage.rss, connections: server.stats.connections })
  } else if (message.type === 'stop') {
    clearInterval(publisher)
    void server.close().then(() => process.exit(0))
  }
})
process.on('disconnect', () => process.exit(0))
