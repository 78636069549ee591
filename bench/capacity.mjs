// Capacity of one server process: what an idle connection costs (heap and RSS after GC), how many fit
// in a GB, how fast connections are accepted (bare upgrades, and with each client's own handshake),
// fan-out (one publish to 1,000 subscribers) and calls, with 10,000 connections on the process.
// Every server runs alone in a fresh `node --expose-gc` process per round (bench/lib/capacity-server.mjs);
// the bench process drives them all with plain `ws` sockets that say what each one's own client says
// (bench/lib/capacity-clients.mjs). `npm run bench -- capacity [--rounds N]`; BENCH_COMPARE=/abs/dist
// adds an earlier build's server as '@compare' rows, so before and after meet the same noise.
import { join } from 'node:path'
import { closeAll, connectMany, dialogs } from './lib/capacity-clients.mjs'
import { compareDist, root } from './lib/env.mjs'
import { forkServer } from './lib/server-process.mjs'
import { formatBytes, median, ratio, table } from './lib/stats.mjs'

/** Idle connections measured for memory per connection (the figure), and the scale run's. */
export const IDLE = 2000
export const SCALE = 10_000
export const SUBSCRIBERS = 1000
/** Publishes of one fan-out run: each goes to every subscriber. */
export const PUBLISHES = 100
/** Calls: 100 sockets with 100 calls each, all in flight at once. */
export const CALLERS = 100
export const CALLS_EACH = 100
/** The goal of issue #28: heap per idle connection with a session at most 1.5× raw ws. */
export const HEAP_TARGET = 1.5

const payload = { i: 1, user: 'ann', text: 'hello, capacity', ts: 1_700_000_000_000 }

/** A contender: its label, the server kind, and the build it comes from (lifeline only). */
function contenders() {
  const dist = join(root, 'dist')
  const list = [
    { name: 'raw ws', kind: 'ws' },
    { name: 'socket.io', kind: 'socket.io' },
    { name: 'lifeline, session open', kind: 'lifeline', dist },
    { name: 'lifeline, sessions: false', kind: 'lifeline-plain', dist },
  ]
  if (compareDist) {
    list.push({ name: 'lifeline, session open @compare', kind: 'lifeline', dist: compareDist })
    list.push({ name: 'lifeline, sessions: false @compare', kind: 'lifeline-plain', dist: compareDist })
  }
  return list
}

/** Start one server process; `ask(cmd)` sends a command and resolves with its answer. */
async function startServer({ kind, dist }) {
  const { child, ask, listening } = forkServer([kind, dist ?? ''])
  return { port: await listening, ask, stop: () => {
    child.removeAllListeners('exit')
    child.kill()
  } }
}

const cpuMs = (before, after) => (after.user + after.system - before.user - before.system) / 1000
const seconds = (start) => (performance.now() - start) / 1000

/** Resolves once `tally.delivered` reaches `target`; rejects after `ms` with what arrived. */
function deliveries(tally, target, ms = 120_000) {
  tally.delivered = 0
  tally.target = target
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${tally.delivered} of ${target} arrived in ${ms} ms`)), ms)
    tally.done = () => {
      clearTimeout(timer)
      resolve()
    }
  })
}

async function waitUntil(check, ms = 30_000) {
  const deadline = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('capacity: condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** One contender, one round, in a fresh server process: every figure of the section. */
async function measure(contender) {
  const server = await startServer(contender)
  const dialog = dialogs[contender.kind]
  const url = `ws://127.0.0.1:${server.port}${dialog.path}`
  const tally = { delivered: 0 }
  const figures = {}
  const sockets = []
  try {
    const { memory: base } = await server.ask({ cmd: 'memory' })

    // Bare upgrades: the WebSocket handshake and nothing after it; then all closed again.
    let start = performance.now()
    const bare = await connectMany(url, dialog, IDLE, { handshake: false, tally })
    figures.upgradesPerSecond = IDLE / seconds(start)
    await closeAll(bare)
    await waitUntil(async () => (await server.ask({ cmd: 'connections' })).connections === 0)

    // Connections as each one's own client makes them (socket.io: its namespace; lifeline: rpc.session).
    let { cpu } = await server.ask({ cmd: 'cpu' })
    start = performance.now()
    sockets.push(...await connectMany(url, dialog, IDLE, { tally }))
    figures.connectsPerSecond = IDLE / seconds(start)
    figures.cpuPerConnectMs = cpuMs(cpu, (await server.ask({ cmd: 'cpu' })).cpu) / IDLE
    const { memory: idle } = await server.ask({ cmd: 'memory' })
    if (idle.connections !== IDLE) throw new Error(`${contender.name}: ${idle.connections} connections, not ${IDLE}`)
    figures.heapPerConnection = (idle.heapUsed - base.heapUsed) / IDLE
    figures.rssPerConnection = (idle.rss - base.rss) / IDLE

    // 10,000 on one process, every one of them answering.
    sockets.push(...await connectMany(url, dialog, SCALE - IDLE, { tally }))
    const { memory: scaled } = await server.ask({ cmd: 'memory' })
    for (let i = 0; i < sockets.length; i += 500) await Promise.all(sockets.slice(i, i + 500).map((socket) => dialog.ping(socket)))
    figures.served = scaled.connections
    figures.heapPerConnectionAtScale = (scaled.heapUsed - base.heapUsed) / SCALE
    figures.rssPerConnectionAtScale = (scaled.rss - base.rss) / SCALE
    figures.rssAtScale = scaled.rss

    // Fan-out: PUBLISHES publishes, each to SUBSCRIBERS sockets.
    const subscribers = sockets.slice(0, SUBSCRIBERS)
    for (let i = 0; i < subscribers.length; i += 100) await Promise.all(subscribers.slice(i, i + 100).map((socket) => dialog.subscribe(socket)))
    for (const socket of subscribers) socket.counting = true
    const fanned = deliveries(tally, PUBLISHES * SUBSCRIBERS)
    cpu = (await server.ask({ cmd: 'cpu' })).cpu
    start = performance.now()
    await server.ask({ cmd: 'publish', count: PUBLISHES, data: payload })
    await fanned
    figures.deliveriesPerSecond = (PUBLISHES * SUBSCRIBERS) / seconds(start)
    figures.cpuPerDeliveryUs = (cpuMs(cpu, (await server.ask({ cmd: 'cpu' })).cpu) * 1000) / (PUBLISHES * SUBSCRIBERS)

    // Calls: CALLERS sockets, CALLS_EACH requests each, all written at once; answers counted.
    const callers = sockets.slice(SUBSCRIBERS, SUBSCRIBERS + CALLERS)
    for (const socket of callers) socket.counting = true
    const answered = deliveries(tally, CALLERS * CALLS_EACH)
    cpu = (await server.ask({ cmd: 'cpu' })).cpu
    start = performance.now()
    let id = 10
    for (const socket of callers) for (let i = 0; i < CALLS_EACH; i++) socket.ws.send(dialog.call(++id))
    await answered
    figures.callsPerSecond = (CALLERS * CALLS_EACH) / seconds(start)
    figures.cpuPerCallUs = (cpuMs(cpu, (await server.ask({ cmd: 'cpu' })).cpu) * 1000) / (CALLERS * CALLS_EACH)
    return figures
  } finally {
    await closeAll(sockets)
    server.stop()
  }
}

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`
const rate = (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–')

export async function run({ rounds = 3 } = {}) {
  const list = contenders()
  const samples = Object.fromEntries(list.map(({ name }) => [name, []]))
  for (let round = 0; round < rounds; round++) {
    // Rotated each round, so the machine's drift hits every contender alike.
    for (let i = 0; i < list.length; i++) {
      const contender = list[(i + round) % list.length]
      samples[contender.name].push(await measure(contender))
    }
  }
  const med = (name, key) => median(samples[name].map((figures) => figures[key]).filter(Number.isFinite))
  const raw = 'raw ws'
  const rows = list.map(({ name }) => ({ name, ...Object.fromEntries(Object.keys(samples[name][0]).map((key) => [key, med(name, key)])) }))
  const byName = Object.fromEntries(rows.map((row) => [row.name, row]))
  const anchor = byName[raw]
  const sio = byName['socket.io']

  let text = `### Idle connections (${IDLE.toLocaleString('en-US')}, after GC; median of ${rounds} rounds)\n\n`
  text += table(
    ['server', 'heap / connection', 'vs raw ws', 'RSS / connection', 'vs socket.io', 'connections per GiB of RSS'],
    rows.map((r) => [r.name, kb(r.heapPerConnection), ratio(r.heapPerConnection, anchor.heapPerConnection), kb(r.rssPerConnection),
      ratio(r.rssPerConnection, sio.rssPerConnection), rate(2 ** 30 / r.rssPerConnection)]),
  )
  text += `\n\n### ${SCALE.toLocaleString('en-US')} connections on one process\n\n`
  text += table(
    ['server', 'served', 'heap / connection', 'RSS / connection', 'process RSS'],
    rows.map((r) => [r.name, r.served === SCALE ? `${rate(r.served)}, all answer` : rate(r.served), kb(r.heapPerConnectionAtScale),
      kb(r.rssPerConnectionAtScale), formatBytes(r.rssAtScale)]),
  )
  text += `\n\n### Connect rate (${IDLE.toLocaleString('en-US')} connections, 100 upgrades in flight)\n\n`
  text += table(
    ['server', 'upgrades/s (bare)', 'vs raw ws', 'connects/s (with its handshake)', 'vs raw ws', 'server CPU / connect'],
    rows.map((r) => [r.name, rate(r.upgradesPerSecond), ratio(anchor.upgradesPerSecond, r.upgradesPerSecond), rate(r.connectsPerSecond),
      ratio(anchor.connectsPerSecond, r.connectsPerSecond), `${(r.cpuPerConnectMs * 1000).toFixed(0)} µs`]),
  )
  text += `\n\n### Fan-out (${PUBLISHES} publishes to ${SUBSCRIBERS.toLocaleString('en-US')} subscribers each) and calls (${CALLERS} sockets × ${CALLS_EACH} calls in flight)\n\n`
  text += table(
    ['server', 'deliveries/s', 'time vs raw ws', 'server CPU / delivery', 'calls/s', 'time vs raw ws', 'server CPU / call'],
    rows.map((r) => [r.name, rate(r.deliveriesPerSecond), ratio(anchor.deliveriesPerSecond, r.deliveriesPerSecond), `${r.cpuPerDeliveryUs.toFixed(1)} µs`,
      rate(r.callsPerSecond), ratio(anchor.callsPerSecond, r.callsPerSecond), `${r.cpuPerCallUs.toFixed(1)} µs`]),
  )
  const life = byName['lifeline, session open']
  const met = life.heapPerConnection <= HEAP_TARGET * anchor.heapPerConnection && life.rssPerConnection < sio.rssPerConnection
  text += `\n\nGoal (issue #28): heap per idle connection with a session ≤ ${HEAP_TARGET}× raw ws (${kb(HEAP_TARGET * anchor.heapPerConnection)}) and RSS below ` +
    `socket.io's (${kb(sio.rssPerConnection)}): ${kb(life.heapPerConnection)} (${ratio(life.heapPerConnection, anchor.heapPerConnection)}) and ` +
    `${kb(life.rssPerConnection)}, ${met ? 'met' : 'MISSED'}. Raw ws's rows carry no protocol (it echoes what it gets, its fan-out sends one ` +
    'prepared string): the ratios are what the rest costs on top of the socket.'
  return { text, rows, samples, targets: { heapPerConnection: { ratio: HEAP_TARGET, value: life.heapPerConnection / anchor.heapPerConnection, met } } }
}
