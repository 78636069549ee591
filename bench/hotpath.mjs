// The client's per-frame cost without a network: one process, a fake WebSocket, frames handed to
// the socket's onmessage and taken from its send(). Sessions on (the fake peer answers the
// handshake and acknowledges every 128 frames, as lifeline-ws/server does). Compares builds in
// interleaved rounds against a raw loop doing the same JSON work, so a change to the hot path can
// be judged without the noise of sockets, a second process and a shared machine:
//   node bench/hotpath.mjs [--n 20000] [--rounds 15] [--only events|notify|call] [--plain] [name=/abs/dist ...]
// (default build: dist/; --plain runs each build once more against a peer without sessions).
// Prints the median CPU nanoseconds per frame for each case and build, and the ratio to raw.
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { root } from './lib/env.mjs'
import { median, table } from './lib/stats.mjs'
import { payload } from './lib/cases.mjs'

const args = process.argv.slice(2)
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`)
  return at < 0 ? fallback : Number(args.splice(at, 2)[1])
}
const n = option('n', 20_000)
const rounds = option('rounds', 15)
const only = args.indexOf('--only') < 0 ? undefined : args.splice(args.indexOf('--only'), 2)[1]
const kinds = ['events in', 'notify out', 'call round trip'].filter((kind) => !only || kind.startsWith(only))
// --plain: every build runs a second time against a peer without sessions.
const plain = args.includes('--plain') && !!args.splice(args.indexOf('--plain'), 1)
const builds = args.length ? args.map((arg) => arg.split('=')) : [['dist', join(root, 'dist')]]

/** A WebSocket that never touches the network; the peer's frames are injected with `receive`. */
class FakeSocket {
  static CONNECTING = 0
  static OPEN = 1
  static CLOSING = 2
  static CLOSED = 3
  readyState = 0
  bufferedAmount = 0
  protocol = ''
  extensions = ''
  binaryType = 'blob'
  onopen = null
  onmessage = null
  onclose = null
  onerror = null
  constructor(url) {
    this.url = url
    FakeSocket.peer.attach(this)
    queueMicrotask(() => {
      this.readyState = 1
      this.onopen?.({})
    })
  }
  send(data) {
    FakeSocket.peer.sent(data)
  }
  close() {
    this.readyState = 3
  }
}

/**
 * The peer: answers the handshake and pings, acknowledges tracked frames every 128, echoes calls.
 * Without `sessions` it refuses the handshake as a server without sessions does (-32601) and never
 * acknowledges: the client runs plain.
 */
function fakePeer(sessions) {
  let socket
  let tracked = 0
  const receive = (data) => socket.onmessage?.({ data })
  // A socket never delivers inside send(): the peer answers in a microtask.
  const reply = (data) => queueMicrotask(() => receive(data))
  return {
    attach: (next) => { socket = next },
    receive,
    sent(data) {
      // Notifications are only counted (the raw loop's sink does nothing with its frames either);
      // requests and the client's control frames are read.
      if (data.startsWith('{"jsonrpc":"2.0","method":"tick"')) {
        if (sessions && ++tracked % 128 === 0) reply(`{"jsonrpc":"2.0","method":"rpc.ack","params":{"received":${tracked}}}`)
        return
      }
      const message = JSON.parse(data)
      if (message.method === 'rpc.session') {
        return reply(sessions
          ? `{"jsonrpc":"2.0","id":${message.id},"result":{"id":"s","resumed":false,"received":0}}`
          : `{"jsonrpc":"2.0","id":${message.id},"error":{"code":-32601,"message":"Method not found"}}`)
      }
      if (message.method === 'rpc.ping') return reply(`{"jsonrpc":"2.0","id":${message.id},"result":"pong"}`)
      if (message.method === 'rpc.ack') return
      if (sessions && ++tracked % 128 === 0) reply(`{"jsonrpc":"2.0","method":"rpc.ack","params":{"received":${tracked}}}`)
      if (message.id !== undefined) reply(`{"jsonrpc":"2.0","id":${message.id},"result":${JSON.stringify(message.params)}}`)
    },
  }
}

const events = Array.from({ length: n }, (_, i) => JSON.stringify({ jsonrpc: '2.0', method: 'tick', params: payload(i) }))

/** Every event must have reached its handler: a run that lost some would look fast. */
const delivered = (got) => {
  if (got !== n) throw new Error(`${got} of ${n} events reached the handler`)
}

/** Each case: set up untimed, then `run()` is timed for n frames (or n round trips). */
async function lifelineCase(createClient, kind, sessions) {
  const peer = fakePeer(sessions)
  FakeSocket.peer = peer
  const client = createClient('ws://fake/', { WebSocket: FakeSocket, queue: { maxMessages: 100_000 } })
  const established = new Promise((resolve) => client.on('session', resolve))
  await client.ready()
  // Plain: the outbox opens when the refusal arrives, a microtask after the handshake went out.
  await (sessions ? established : new Promise((resolve) => setTimeout(resolve, 0)))
  if (kind === 'events in') {
    let got = 0
    client.listen('tick', () => { got++ })
    return { run: () => { for (const frame of events) peer.receive(frame); delivered(got) }, close: () => client.close() }
  }
  if (kind === 'notify out') {
    return {
      // In windows of 1000, as the socket bench does: the peer's acks (microtasks) come in between.
      run: async () => {
        for (let i = 0; i < n; i += 1000) {
          for (let k = i; k < i + 1000; k++) client.notify('tick', payload(k))
          await null
        }
      },
      close: () => client.close(),
    }
  }
  // Calls: the peer answers synchronously inside send(), so each round trip settles in a microtask.
  return {
    run: async () => {
      for (let i = 0; i < n; i += 100) await Promise.all(Array.from({ length: 100 }, (_, k) => client.call('echo', payload(i + k))))
    },
    close: () => client.close(),
  }
}

/** The raw loop: JSON both ways and a Map of resolvers, what a hand-written page does. */
function rawCase(kind) {
  const sink = { send() {} }
  if (kind === 'events in') {
    let got = 0
    return { run: () => { for (const frame of events) if (JSON.parse(frame).method === 'tick') got++; delivered(got) }, close() {} }
  }
  if (kind === 'notify out') {
    return {
      run: async () => {
        for (let i = 0; i < n; i += 1000) {
          for (let k = i; k < i + 1000; k++) sink.send(JSON.stringify({ jsonrpc: '2.0', method: 'tick', params: payload(k) }))
          await null
        }
      },
      close() {},
    }
  }
  const pending = new Map()
  let seq = 0
  const receive = (data) => {
    const m = JSON.parse(data)
    const p = pending.get(m.id)
    pending.delete(m.id)
    p(m.result)
  }
  const call = (method, params) => new Promise((resolve) => {
    const id = ++seq
    pending.set(id, resolve)
    const frame = JSON.stringify({ jsonrpc: '2.0', id, method, params })
    // The same peer work as the fake peer does for lifeline: parse the request, answer in a microtask.
    const sent = JSON.parse(frame)
    const answer = `{"jsonrpc":"2.0","id":${sent.id},"result":${JSON.stringify(sent.params)}}`
    queueMicrotask(() => receive(answer))
  })
  return {
    run: async () => {
      for (let i = 0; i < n; i += 100) await Promise.all(Array.from({ length: 100 }, (_, k) => call('echo', payload(i + k))))
    },
    close() {},
  }
}

const clients = await Promise.all(builds.map(async ([name, dir]) => [name, (await import(pathToFileURL(join(dir, 'lifeline.js')).href)).createClient]))
const contenders = [['raw', null], ...clients.map(([name, create]) => [name, create, true])]
if (plain) contenders.push(...clients.map(([name, create]) => [`${name}, plain`, create, false]))
const samples = {}
for (const kind of kinds) for (const [name] of contenders) samples[`${kind}|${name}`] = []
for (let r = 0; r < rounds + 1; r++) {
  for (const kind of kinds) {
    const order = contenders.map((_, i) => contenders[(i + r) % contenders.length])
    for (const [name, createClient, sessions] of order) {
      globalThis.gc?.()
      const c = createClient ? await lifelineCase(createClient, kind, sessions) : rawCase(kind)
      // CPU time, not wall time: on a shared machine a descheduled process would count as slow.
      const t0 = process.cpuUsage()
      await c.run()
      const used = process.cpuUsage(t0)
      const ms = (used.user + used.system) / 1000
      c.close()
      // Round 0 warms the JIT up.
      if (r > 0) samples[`${kind}|${name}`].push((ms * 1e6) / n)
    }
  }
}
const rows = []
for (const kind of kinds) {
  const base = median(samples[`${kind}|raw`])
  for (const [name] of contenders) {
    const ns = median(samples[`${kind}|${name}`])
    rows.push([kind, name, `${Math.round(ns)} ns`, `${(ns / base).toFixed(2)}×`, `+${Math.round(ns - base)} ns`])
  }
}
console.log(`${n} frames per run, ${rounds} rounds, median per frame (the peer's own JSON work included for calls and sessions)\n`)
console.log(table(['case', 'build', 'per frame', 'vs raw', 'over raw'], rows))
