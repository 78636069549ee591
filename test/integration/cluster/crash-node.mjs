// A server process of the crash test: sessions in a Redis session store
// (write-through when WRITE_THROUGH=1), and one method, `step`, whose effect
// is a line appended synchronously to the shared file STEP_LOG (so it
// survives a SIGKILL) and a `stepped` event to its client; it answers with
// its number. The crash-window test's methods log to RUN_LOG instead, one
// line per effect (`pid start n`, `pid end n`, `pid call n`, `pid note n`):
// `slow` takes SLOW_MS (300), `quick` answers at once, `noted` is a
// notification. Prints `{"port":N}` once ready.
import { appendFileSync } from 'node:fs'

const run = (line) => appendFileSync(process.env.RUN_LOG, `${process.pid} ${line}\n`)
const SLOW_MS = Number(process.env.SLOW_MS ?? 300)

const { createServer, redisSessionStore } = await import(process.env.LIFELINE_SERVER)

const store = redisSessionStore({ url: process.env.REDIS_URL, prefix: process.env.PREFIX, writeThrough: process.env.WRITE_THROUGH === '1' })
const server = createServer({
  port: 0,
  host: '127.0.0.1',
  sessions: { store, ttl: 30_000 },
  onError: (err) => console.error(String(err)),
  methods: {
    step: ({ n }, ctx) => {
      appendFileSync(process.env.STEP_LOG, `${process.pid} ${n}\n`)
      ctx.notify('stepped', { n })
      return n
    },
    slow: async ({ n }) => {
      run(`start ${n}`)
      await new Promise((resolve) => setTimeout(resolve, SLOW_MS))
      run(`end ${n}`)
      return n
    },
    quick: ({ n }) => {
      run(`call ${n}`)
      return n
    },
    noted: ({ n }) => {
      run(`note ${n}`)
    },
  },
})
await server.ready
process.stdout.write(JSON.stringify({ port: server.port }) + '\n')
process.on('SIGTERM', () => {
  server.close().then(() => store.close()).then(() => process.exit(0))
})
