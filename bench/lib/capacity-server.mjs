// One server of the capacity section, alone in its process (forked with --expose-gc by
// bench/capacity.mjs), so that its memory is its own. `node --expose-gc capacity-server.mjs <kind> [dist]`:
//   ws              raw `ws` (8): echoes every frame; 'sub' adds the socket to the fan-out set
//   socket.io       socket.io 4 with the websocket transport only: 'sub' joins room 'fan'
//   lifeline        lifeline-ws/server from <dist>/server.js, default options (sessions on)
//   lifeline-plain  the same with `sessions: false`
//   lifeline-journal  sessions on, written through to an in-process journal whose every step resolves at
//                   once (bench/server-cpu.mjs): the server's own cost of a write-through store, no I/O
// `node --expose-gc capacity-server.mjs <kind> <dist> unlimited`: lifeline without its rate limit
// (bench/server-cpu.mjs writes faster than the default 1,000 frames a second per connection, and
// measures CPU per frame, not what a limited client may send).
// Every server keeps its defaults but two: per-address connection limits (every bench socket comes
// from 127.0.0.1) and, for lifeline, the rate limit is left as it is. The parent asks over IPC:
//   { cmd: 'memory' }              -> heap and RSS after GC, and the server's own connection count
//   { cmd: 'cpu' }                 -> process.cpuUsage(), to charge CPU to a phase
//   { cmd: 'connections' }         -> the server's own count of open connections
//   { cmd: 'publish', count, data } -> `count` publishes of `data` to every subscriber; the CPU it took
import { createServer as createHttpServer } from 'node:http'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { WebSocketServer } from 'ws'

const [kind, dist, limits] = process.argv.slice(2)
const listen = (server) => new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)))

/** The same bytes every contender's subscribers get: lifeline's topic frame for `data`. */
export const topicFrame = (data, seq) => JSON.stringify({ jsonrpc: '2.0', method: 'rpc.publish', params: { topic: 'fan', seq, data } })

async function rawWs() {
  const http = createHttpServer()
  const wss = new WebSocketServer({ server: http, perMessageDeflate: false, clientTracking: false })
  const subscribers = new Set()
  let connections = 0
  wss.on('connection', (socket) => {
    connections++
    socket.on('message', (data, isBinary) => {
      if (!isBinary && data.length === 3 && String(data) === 'sub') {
        subscribers.add(socket)
        socket.send('ok')
      } else socket.send(data, { binary: isBinary })
    })
    socket.on('close', () => {
      connections--
      subscribers.delete(socket)
    })
  })
  let seq = 0
  return {
    port: await listen(http),
    connections: () => connections,
    // Raw ws sends the very frame lifeline sends: the same bytes, built once per publish.
    publish(data) {
      const frame = topicFrame(data, ++seq)
      for (const socket of subscribers) socket.send(frame)
    },
  }
}

async function socketIo() {
  const { Server } = await import('socket.io')
  const http = createHttpServer()
  const io = new Server(http, { transports: ['websocket'], perMessageDeflate: false, serveClient: false })
  io.on('connection', (socket) => {
    socket.on('sub', (ack) => {
      socket.join('fan')
      ack('ok')
    })
    socket.on('echo', (data, ack) => ack(data))
  })
  return {
    port: await listen(http),
    connections: () => io.engine.clientsCount,
    publish: (data) => io.to('fan').emit('tick', data),
  }
}

/**
 * A write-through store whose journal keeps nothing and answers every step at once: what the server
 * itself spends on a journal (its promise per step, the order it keeps), without a store's I/O.
 */
function instantJournalStore() {
  const done = () => Promise.resolve()
  const journal = { start: done, finish: done, push: done, acknowledge: done, restart: done, end: done,
    release: () => Promise.resolve(true), owned: () => Promise.resolve(true) }
  return { save() {}, take: () => undefined, journal: () => journal }
}

/** The `sessions` option of each lifeline kind: default sessions, none, or written through. */
const sessionOptions = { on: {}, off: { sessions: false }, journal: { sessions: { store: instantJournalStore() } } }

async function lifeline(sessions) {
  const { createServer } = await import(pathToFileURL(join(dist, 'server.js')).href)
  const server = createServer({
    port: 0,
    host: '127.0.0.1',
    // Every bench socket comes from 127.0.0.1; real clients come from many addresses.
    maxConnectionsPerAddress: 100_000,
    methods: { echo: (params) => params },
    ...(limits === 'unlimited' ? { rateLimit: false } : {}),
    ...sessionOptions[sessions],
  })
  await server.ready
  return { port: server.port, connections: () => server.stats.connections, publish: (data) => server.publish('fan', data) }
}

const servers = { ws: rawWs, 'socket.io': socketIo, lifeline: () => lifeline('on'), 'lifeline-plain': () => lifeline('off'),
  'lifeline-journal': () => lifeline('journal') }
const server = await servers[kind]()

const settle = () => new Promise((resolve) => setTimeout(resolve, 50))
async function memory() {
  // Three collections with turns between them: ws and socket.io free some buffers in callbacks.
  for (let i = 0; i < 3; i++) {
    globalThis.gc()
    await settle()
  }
  globalThis.gc()
  const { heapUsed, rss, external, arrayBuffers } = process.memoryUsage()
  return { heapUsed, rss, external, arrayBuffers, connections: server.connections() }
}

process.on('message', async (message) => {
  if (message.cmd === 'memory') process.send({ memory: await memory() })
  else if (message.cmd === 'cpu') process.send({ cpu: process.cpuUsage() })
  else if (message.cmd === 'connections') process.send({ connections: server.connections() })
  else if (message.cmd === 'publish') {
    const before = process.cpuUsage()
    for (let i = 0; i < message.count; i++) server.publish(message.data)
    process.send({ published: process.cpuUsage(before) })
  }
})
process.on('disconnect', () => process.exit(0))
process.send({ port: server.port })
