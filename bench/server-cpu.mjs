// The server's CPU time per frame, with a session open against `sessions: false` (and a session written
// through to a journal that answers at once), side by side in one run. Each server runs in its own
// process (bench/lib/capacity-server.mjs, without its rate limit) for the whole run, and only its CPU time is charged
// (`process.cpuUsage` in that process, read over IPC before and after each sample): the bench's
// sockets, in this process, do not count. Two cases, both tracked frames of the client:
//   calls           `echo` requests, WINDOW in flight per socket; each answer is a tracked frame back
//   notifications   `echo` notifications, WINDOW per socket, then one call to know they all ran
// On a session the sockets acknowledge the server's frames after every window, as a lifeline client
// does (every 128 frames, or at once when it has nothing more to write), so the session's buffer stays
// small. Round 0 warms every server's JIT up and is not counted; contenders rotate each round.
//   npm run bench -- server-cpu [--rounds N] [--n FRAMES]
// BENCH_COMPARE=/abs/dist adds an earlier build's servers as '@compare' rows (before and after in the
// same rounds); BENCH_CPU_PROF=/abs/dir starts every server with `--cpu-prof` into dir/<contender>/ and
// prints where each one's samples fell.
import { mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import WebSocket from 'ws'
import { compareDist, root } from './lib/env.mjs'
import { summarizeProfile } from './lib/profile-summary.mjs'
import { forkServer } from './lib/server-process.mjs'
import { median, table } from './lib/stats.mjs'

/** Sockets per server, and frames each writes before it waits for their answers. */
export const SOCKETS = 10
export const WINDOW = 100

const rpc = (id, method, params) => JSON.stringify({ jsonrpc: '2.0', id, method, params })
const notification = (method, params) => JSON.stringify({ jsonrpc: '2.0', method, params })

function contenders() {
  const builds = [['', join(root, 'dist')]]
  if (compareDist) builds.push([' @compare', compareDist])
  return builds.flatMap(([suffix, dist]) => [
    { name: `sessions: false${suffix}`, kind: 'lifeline-plain', dist, base: `sessions: false${suffix}` },
    { name: `session open${suffix}`, kind: 'lifeline', dist, base: `sessions: false${suffix}` },
    { name: `session, write-through${suffix}`, kind: 'lifeline-journal', dist, base: `sessions: false${suffix}` },
  ])
}

/** One server process for the whole run; `ask(cmd)` resolves with its answer. */
async function startServer({ name, kind, dist }, profileDir) {
  const execArgv = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${join(profileDir, name.replace(/[^\w@-]+/g, '-'))}`] : []
  const { child, ask, listening } = forkServer([kind, dist, 'unlimited'], execArgv)
  const exited = new Promise((resolve) => child.once('exit', resolve))
  // Disconnecting lets it exit on its own (process.exit), which writes a --cpu-prof profile.
  return { port: await listening, ask, exited, stop: () => child.disconnect() }
}

/**
 * One socket through its handshake. Granted a session, it acknowledges the server's tracked frames (every
 * answer) after each window, as a client on a session does.
 */
async function openSocket(port) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/`, { perMessageDeflate: false })
  let waiting
  let closed
  let expected = 0
  let answered = 0
  let session = false
  ws.on('message', (data) => {
    // The server's own acks of our frames are bookkeeping, not answers.
    if (data.length < 80 && data.includes('"rpc.ack"')) return
    answered++
    if (answered === expected) waiting?.resolve()
  })
  // A closed socket (a rate limit, a session over its bound) would leave a sample waiting forever.
  ws.on('close', (code, reason) => {
    closed = new Error(`the server closed a bench socket: ${code} ${reason}`)
    waiting?.reject(closed)
  })
  await new Promise((resolve, reject) => {
    ws.once('open', resolve)
    ws.once('error', reject)
  })
  const until = (count) => new Promise((resolve, reject) => {
    expected = count
    if (closed) reject(closed)
    else if (answered >= count) resolve()
    else waiting = { resolve, reject }
  })
  const handshake = new Promise((resolve) => ws.once('message', resolve))
  ws.send(rpc(0, 'rpc.session', { id: null, received: 0 }))
  const answer = JSON.parse(String(await handshake))
  if (answer.id !== 0) throw new Error(`unexpected handshake answer ${JSON.stringify(answer)}`)
  session = !answer.error
  // The handshake's answer is not a tracked frame: answers are counted from here.
  answered = 0
  let id = 0
  let tracked = 0
  const acknowledge = () => {
    if (session) ws.send(notification('rpc.ack', { received: tracked }))
  }
  return {
    session,
    /** `count` frames of `kind`, WINDOW at a time; resolves once the server answered each window. */
    async run(kind, count) {
      for (let sent = 0; sent < count; sent += WINDOW) {
        const window = Math.min(WINDOW, count - sent)
        if (kind === 'calls') {
          for (let k = 0; k < window; k++) ws.send(rpc(++id, 'echo', { i: id }))
          tracked += window
          await until(tracked)
        } else {
          for (let k = 0; k < window; k++) ws.send(notification('echo', { i: k }))
          ws.send(rpc(++id, 'echo', { i: id }))
          tracked += 1
          await until(tracked)
        }
        acknowledge()
      }
    },
    close: () => ws.terminate(),
  }
}

/**
 * One sample: `perSocket` frames of `kind` from every socket at once; the server's CPU µs per frame, all
 * of it and the kernel's part (`system`: mostly the socket writes and reads).
 */
async function sample(server, kind, perSocket) {
  const { cpu: before } = await server.ask({ cmd: 'cpu' })
  await Promise.all(server.sockets.map((socket) => socket.run(kind, perSocket)))
  const { cpu: after } = await server.ask({ cmd: 'cpu' })
  const frames = perSocket * server.sockets.length
  const system = (after.system - before.system) / frames
  return { total: (after.user - before.user) / frames + system, system }
}

export async function run({ rounds = 7, n = 20_000 } = {}) {
  const list = contenders()
  const profileDir = process.env.BENCH_CPU_PROF
  if (profileDir) mkdirSync(profileDir, { recursive: true })
  const perSocket = Math.max(WINDOW, Math.round(n / SOCKETS / WINDOW) * WINDOW)
  const cases = ['calls', 'notifications']
  const servers = []
  try {
    for (const contender of list) {
      const server = await startServer(contender, profileDir)
      servers.push(server)
      server.sockets = await Promise.all(Array.from({ length: SOCKETS }, () => openSocket(server.port)))
      const wanted = contender.kind !== 'lifeline-plain'
      if (server.sockets.some((socket) => socket.session !== wanted)) throw new Error(`${contender.name}: sessions ${wanted ? 'refused' : 'granted'}`)
    }
    const samples = new Map(list.flatMap(({ name }) => cases.map((kind) => [`${kind}|${name}`, []])))
    const systems = new Map(list.flatMap(({ name }) => cases.map((kind) => [`${kind}|${name}`, []])))
    for (let round = 0; round <= rounds; round++) {
      for (const kind of cases) {
        for (let i = 0; i < list.length; i++) {
          const at = (i + round) % list.length
          const { total, system } = await sample(servers[at], kind, perSocket)
          if (round > 0) {
            samples.get(`${kind}|${list[at].name}`).push(total)
            systems.get(`${kind}|${list[at].name}`).push(system)
          }
        }
      }
    }
    const med = (kind, name) => median(samples.get(`${kind}|${name}`))
    const spread = (kind, name) => {
      const values = samples.get(`${kind}|${name}`)
      const mid = med(kind, name)
      return `±${Math.round((Math.max(...values.map((v) => Math.abs(v - mid))) / mid) * 100)}%`
    }
    const rows = []
    for (const kind of cases) {
      for (const { name, base } of list) {
        const us = med(kind, name)
        const compared = compareDist && !name.endsWith('@compare') ? med(kind, `${name} @compare`) : NaN
        const system = median(systems.get(`${kind}|${name}`))
        rows.push([kind, name, `${us.toFixed(1)} µs`, `${system.toFixed(1)} µs`, spread(kind, name), `${(us / med(kind, base)).toFixed(2)}×`,
          Number.isFinite(compared) ? `${(us / compared).toFixed(2)}×` : ''])
      }
    }
    let text = `Server CPU per frame of the client (${SOCKETS} sockets × ${perSocket} frames, ${WINDOW} in flight per socket; ` +
      `median of ${rounds} rounds, widest round's distance from it)\n\n`
    text += table(['case', 'server', 'CPU / frame', 'of it, kernel', 'spread', 'vs sessions: false', 'vs @compare'], rows)
    return { text, rows, samples: Object.fromEntries(samples), system: Object.fromEntries(systems) }
  } finally {
    for (const server of servers) {
      for (const socket of server.sockets ?? []) socket.close()
      server.stop()
    }
    await Promise.all(servers.map((server) => server.exited))
    if (profileDir) printProfiles(profileDir)
  }
}

/** Where each server's samples fell, from its --cpu-prof file. */
function printProfiles(dir) {
  for (const name of readdirSync(dir)) {
    for (const file of readdirSync(join(dir, name)).filter((entry) => entry.endsWith('.cpuprofile'))) {
      console.log(`\n### ${name} (${join(dir, name, file)})\n`)
      console.log(summarizeProfile(JSON.parse(readFileSync(join(dir, name, file), 'utf8')), 30))
    }
  }
}
