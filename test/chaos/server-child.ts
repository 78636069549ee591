/**
 * The chaos suite's server: a real `lifeline-ws/server` (built from src/server) in a child
 * process of its own, so the run can SIGKILL it as well as restart it gracefully. It tells the
 * parent over IPC everything the history check needs, as it happens (a killed process cannot
 * report afterwards): each notification received, each publish.
 *
 * It sends events all the time, so that some always cross a client's resume (issue #26, defect 1):
 * a `tick` broadcast every CHAOS_EVENT_EVERY ms and an `own` ctx.notify to every client every other
 * time, each `{ boot, n }`: `boot` names this process, `n` counts per process (tick) or per session
 * (own, which names its session in `ctx` too). A graceful restart pauses them until the next server is ready, so no event falls between
 * the two servers.
 *
 * With CHAOS_REDIS_URL (`--redis`): topics on `redisBroker`, sessions written through to
 * `redisSessionStore` on that Redis, so a SIGKILLed process's sessions resume on the next one and
 * a frozen Redis (the `freeze` fault) reaches both. Each publish then is a promise: its outcome and
 * how long it took go to the parent.
 *
 * Parent -> child: { type: 'restart' } (graceful: close(), a new server on the same port with
 * the same history and session store), { type: 'memory' }, { type: 'stop' }.
 * Child -> parent: ready { port }, restarted { port }, note { client, n, session }, publish
 * { topic, seq?, error?, ms }, memory { heapUsed, rss, connections, pendingPublishes }, error { message }.
 */
import { randomUUID } from 'node:crypto'
import {
  createHistory, createServer, createSessionStore, redisBroker, redisSessionStore, type Context, type Server, type ServerOptions,
} from '../../src/server/index'

type Message = { type: string; [key: string]: unknown }
const send = (message: Message) => process.send?.(message)

const TOPICS = Number(process.env.CHAOS_TOPICS ?? 4)
const PUBLISH_EVERY = Number(process.env.CHAOS_PUBLISH_EVERY ?? 100)
const EVENT_EVERY = Number(process.env.CHAOS_EVENT_EVERY ?? 100)
const REDIS_URL = process.env.CHAOS_REDIS_URL
const gc = (globalThis as { gc?: () => void }).gc

/** This process, in every event it sends: numbers start again in the next one. */
const boot = randomUUID().slice(0, 8)
const prefix = `chaos:${process.env.CHAOS_PREFIX ?? 'run'}:`
// Per session (ctx.id): the last `own` number sent to it.
const owned = new Map<string, number>()
const history = createHistory({ limit: 1000, maxAge: 600_000 })
const redisStore = REDIS_URL ? redisSessionStore({ url: REDIS_URL, prefix, writeThrough: true }) : undefined
const store = redisStore ?? createSessionStore()

function start(port: number): Server<unknown, number | Promise<number>> {
  const options: ServerOptions = {
    port,
    host: '127.0.0.1',
    history,
    sessions: { store, ttl: 120_000 },
    heartbeat: { interval: 3000 },
    callTimeout: 3000,
    shutdownTimeout: 2000,
    maxConnectionsPerAddress: 100_000,
    onError: (err) => send({ type: 'error', message: String(err) }),
    // A context that ended takes its `own` counter along, unless it was handed over (1012): then the next
    // server serves the same session, and its numbers go on. (Each socket's own context, replaced by the
    // session its handshake resumed, ends here too: the heap phase makes ten thousand of them.)
    onDisconnect: (ctx, code) => {
      if (code !== 1012) owned.delete(ctx.id)
    },
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
  }
  if (REDIS_URL) return createServer({ ...options, broker: redisBroker({ url: REDIS_URL, prefix }) })
  return createServer(options)
}

let server = start(Number(process.env.CHAOS_PORT ?? 0))
let restarting = false
let topicTurn = 0
let pendingPublishes = 0
const publisher = setInterval(() => {
  const topic = `topic-${topicTurn++ % TOPICS}`
  const started = Date.now()
  pendingPublishes++
  Promise.resolve()
    .then(() => server.publish(topic, { at: started }))
    .then(
      (seq) => send({ type: 'publish', topic, seq, ms: Date.now() - started }),
      (err: unknown) => send({ type: 'publish', topic, error: String((err as Error).message), ms: Date.now() - started }),
    )
    .finally(() => pendingPublishes--)
}, PUBLISH_EVERY)

let ticks = 0
let eventTurn = 0
// 0: none (the heap phase, whose client reconnects at every open and never reads them: the session
// would hold every event for it, up to sessions.maxBytes, and that is not a leak).
const events = setInterval(() => {
  if (restarting || !EVENT_EVERY) return
  server.broadcast('tick', { boot, n: ++ticks })
  if (eventTurn++ % 2) return
  for (const ctx of server.clients.values()) notifyOwn(ctx)
}, EVENT_EVERY || 1000)

function notifyOwn(ctx: Context) {
  const n = (owned.get(ctx.id) ?? 0) + 1
  owned.set(ctx.id, n)
  ctx.notify('own', { boot, ctx: ctx.id.slice(0, 8), n })
}

void server.ready.then(() => send({ type: 'ready', port: server.port }))

process.on('message', (message: Message) => {
  if (message.type === 'restart') {
    const port = server.port!
    restarting = true
    void server.close().then(async () => {
      server = start(port)
      await server.ready
      restarting = false
      send({ type: 'restarted', port: server.port })
    })
  } else if (message.type === 'memory') {
    gc?.()
    const usage = process.memoryUsage()
    send({ type: 'memory', heapUsed: usage.heapUsed, rss: usage.rss, connections: server.stats.connections, pendingPublishes })
  } else if (message.type === 'stop') {
    clearInterval(publisher)
    clearInterval(events)
    void server.close().then(async () => {
      await redisStore?.close()
      process.exit(0)
    })
  }
})
process.on('disconnect', () => process.exit(0))
