// Recovery: how fast a blackholed connection is noticed for given heartbeat
// settings (a TCP proxy that stops forwarding), and how 10,000 clients'
// reconnects spread out after a server restart with each backoff schedule.
import { createServer } from 'node:http'
import WebSocket, { WebSocketServer } from 'ws'
import { Server as SocketIo } from 'socket.io'
import { io } from 'socket.io-client'
import { startProxy } from './lib/blackhole-proxy.mjs'
import { rpcReply } from './lib/rpc-reply.mjs'
import { loadLifelineBackoff, schedules, simulate } from './lib/schedules.mjs'
import { formatMs, histogram, median, renderHistograms, table } from './lib/stats.mjs'
import { loadLifeline } from './throughput-node.mjs'

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
const listen = (server) => new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)))

/** Resolves with ms until `detected` is called, or Infinity after `capMs`. */
function stopwatch(capMs) {
  const t0 = performance.now()
  let done
  const result = new Promise((resolve) => {
    const cap = setTimeout(() => resolve(Infinity), capMs)
    done = () => { clearTimeout(cap); resolve(performance.now() - t0) }
  })
  return { result, detected: () => done() }
}

/** One trial: connect through a fresh proxy, wait a random phase of the interval, blackhole, time the detection. */
async function trial(upstreamPort, interval, timeout, connect) {
  const proxy = await startProxy(upstreamPort)
  const watch = { on: undefined }
  const conn = await connect(proxy.port, () => watch.on?.())
  // The silence timer runs from the last frame; a random phase shows the whole range.
  await sleep(Math.random() * interval)
  proxy.blackhole()
  const sw = stopwatch(interval + timeout + 3000)
  watch.on = sw.detected
  const ms = await sw.result
  conn.close()
  proxy.close()
  return ms
}

async function detection({ trials }) {
  const createClient = await loadLifeline()
  const http = createServer()
  new WebSocketServer({ server: http }).on('connection', (s) => s.on('message', (d) => {
    const reply = rpcReply(d.toString())
    if (reply !== undefined) s.send(reply)
  }))
  const wsPort = await listen(http)
  const rows = []
  for (const [interval, timeout] of [[200, 200], [500, 500]]) {
    const sioHttp = createServer()
    const sio = new SocketIo(sioHttp, { transports: ['websocket'], pingInterval: interval, pingTimeout: timeout })
    const sioPort = await listen(sioHttp)
    const contenders = {
      ...(createClient && {
        [`lifeline heartbeat { interval: ${interval}, timeout: ${timeout} }`]: async (port, lost) => {
          const client = createClient(`ws://127.0.0.1:${port}/`, { WebSocket, heartbeat: { interval, timeout }, reconnect: false })
          client.on('close', lost)
          await client.ready()
          return client
        },
      }),
      [`socket.io-client, server pingInterval ${interval}, pingTimeout ${timeout}`]: async (port, lost) => {
        const socket = io(`http://127.0.0.1:${port}`, { transports: ['websocket'], reconnection: false })
        socket.on('disconnect', lost)
        await new Promise((resolve) => socket.once('connect', resolve))
        return socket
      },
    }
    const samples = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]))
    for (let t = 0; t < trials; t++) {
      for (const [name, connect] of Object.entries(contenders)) {
        samples[name].push(await trial(name.startsWith('socket.io') ? sioPort : wsPort, interval, timeout, connect))
      }
    }
    for (const [name, ms] of Object.entries(samples)) {
      rows.push({ name, bound: `${timeout}–${interval + timeout} ms`, median: median(ms), min: Math.min(...ms), max: Math.max(...ms), samples: ms.map(Math.round) })
    }
    sio.close()
  }
  // Without a heartbeat only TCP itself could notice, after minutes of retransmits.
  const cap = 3000
  const raw = await trial(wsPort, 0, 0, async (port, lost) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/`)
    ws.on('close', lost)
    await new Promise((resolve) => ws.once('open', resolve))
    return { close: () => ws.terminate() }
  })
  rows.push({ name: 'ws / partysocket / reconnecting-websocket (no heartbeat)', bound: '–', median: raw, min: raw, max: raw, samples: [] })
  http.close()
  const fmt = (ms) => (Number.isFinite(ms) ? formatMs(ms) : `> ${cap / 1000} s`)
  const text = table(['client and settings', 'expected', 'median', 'min', 'max', 'trials (ms)'],
    rows.map((r) => [r.name, r.bound, fmt(r.median), fmt(r.min), fmt(r.max), r.samples.join(' ')]))
  return { rows, text }
}

const fence = '`'.repeat(3)

function spread({ downMs }, loaded) {
  const all = schedules(loaded)
  const scenarios = [0, downMs].map((d) => ({ downMs: d, results: simulate(all, { downMs: d }) }))
  const summary = table(['schedule', 'server back at', 'peak / 100 ms', 'p50', 'p99', 'last', 'failed attempts'],
    scenarios.flatMap(({ downMs: d, results }) => results.map((r) => [
      r.label, `${d / 1000} s`, r.peak, formatMs(r.p50), formatMs(r.p99), formatMs(r.max), r.failedAttempts.toLocaleString('en-US'),
    ])))
  const shown = scenarios[1].results
  // Five seconds after the server is back tell the story; later reconnects are counted, not drawn.
  const endMs = downMs + 5000
  const series = shown.map((r) => ({
    label: r.label.replace(/ \(.*/, ''),
    counts: histogram(r.reconnects.filter((t) => t < endMs), 100, endMs / 100),
    later: r.reconnects.filter((t) => t >= endMs).length,
  }))
  // One shared scale, set by the second-highest peak, so a single spike doesn't flatten the rest.
  const peaks = series.map((s) => Math.max(...s.counts)).sort((a, b) => b - a)
  const hist = `${renderHistograms(series, 100, 24, peaks[1] ?? peaks[0])}\n` +
    ` later | ${series.map((s) => `${s.later} after ${endMs / 1000} s`.padEnd(30)).join(' | ')}`
  return {
    scenarios: scenarios.map(({ downMs: d, results }) => ({ downMs: d, results: results.map(({ reconnects: _r, ...rest }) => rest) })),
    text: `${summary}\n\nReconnects per 100 ms, server back at ${downMs / 1000} s (10,000 clients; bars share one scale, > marks a clipped bar):\n\n${fence}text\n${hist}\n${fence}`,
  }
}

export async function run({ rounds = 6 } = {}) {
  const det = await detection({ trials: rounds })
  const sp = spread({ downMs: 2500 }, await loadLifelineBackoff())
  return {
    detection: det.rows, spread: sp.scenarios,
    text: `### Time to detect a blackholed connection\n\n${det.text}\n\n### Reconnect spread of 10,000 clients\n\n${sp.text}`,
  }
}
