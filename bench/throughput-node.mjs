// Throughput in Node: 100k events echoed (window of 1000 in flight) and 100k
// RPC round trips (100 in flight), every contender against the same loopback
// servers in a separate process, with ws as the WebSocket. Besides the raw
// peers, the lifeline client also runs against lifeline-ws/server without
// sessions ('lifeline, server') and with them ('lifeline, sessions').
import WebSocket from 'ws'
import { WebSocket as PartySocketWebSocket } from 'partysocket'
import ReconnectingWebSocket from 'reconnecting-websocket'
import { JSONRPCClient } from 'json-rpc-2.0'
import { Client as RpcWebsocketsClient } from 'rpc-websockets'
import { io } from 'socket.io-client'
import { makeCases } from './lib/cases.mjs'
import { startServers } from './lib/spawn-servers.mjs'
import { interleave, summarize, throughputTable } from './lib/rounds.mjs'
import { compareDist, importLifeline } from './lib/env.mjs'
import { pathToFileURL } from 'node:url'
import { join } from 'node:path'

/** Lifeline's target in Node, sessions on (issue #20): at most this × the raw baseline's time. */
export const NODE_TARGET = 1.05

/** The built client, or undefined (its rows are skipped) before `npm run build`. */
export async function loadLifeline() {
  try {
    return await importLifeline()
  } catch (err) {
    console.warn(`lifeline not loadable (${err.message}); run npm run build. Its rows are skipped.`)
    return undefined
  }
}

export const EVENT_WINDOW = 1000
export const RPC_IN_FLIGHT = 100

/**
 * Shared by both environments: runs both comparisons and renders one table per metric with its
 * target line. `runOne` resolves to an object of numbers, one per metric key (`ms`, the wall time
 * of the run, always). `metrics`: `[{ key, label, target? }]`, where `target` is a number or
 * `{ events, rpc }`; a metric without one prints no target line.
 */
export async function compare(kinds, { rounds, n, env, metrics }, runOne) {
  const out = {}
  const text = []
  const targetLine = (rows, target, label) => {
    if (target === undefined) return ''
    const judged = rows.filter((r) => r.name === 'lifeline' || r.name === 'lifeline, sessions')
    if (!judged.length) return `\n\nTarget (${label}): within ${target.toFixed(2)}× of raw: not measured (no build).`
    // Against the raw client on the same server too, where the run has it: the raw peers echo without
    // parsing, so the plain ratio also charges lifeline-ws/server's own work to the client.
    const sameServer = rows.find((r) => r.name === 'raw, server')
    const sessions = rows.find((r) => r.name === 'lifeline, sessions')
    const fair = sameServer && sessions
      ? ` Against the raw client on the same lifeline-ws/server: lifeline, sessions ${(sessions.medianMs / sameServer.medianMs).toFixed(2)}×, ${sessions.medianMs / sameServer.medianMs <= target ? 'met' : 'MISSED'}.`
      : ''
    return `\n\nTarget (${label}): within ${target.toFixed(2)}× of raw: ` +
      judged.map((r) => `${r.name} ${r.ratio.toFixed(2)}×, ${r.ratio <= target ? 'met' : 'MISSED'}`).join('; ') + '.' + fair
  }
  for (const [kind, names, param, what] of kinds) {
    const samples = Object.fromEntries(metrics.map(({ key }) => [key, Object.fromEntries(names.map((name) => [name, []]))]))
    await interleave(names, { rounds, n, warmup: Math.round(n / 10) }, async (name, count) => {
      const run = await runOne(kind, name, count, param)
      if (count === n) for (const { key } of metrics) samples[key][name].push(run[key])
    })
    out[kind] = {}
    for (const { key, label, target } of metrics) {
      const rows = summarize(samples[key], n)
      const goal = typeof target == 'object' ? target[kind] : target
      const sessions = rows.find((r) => r.name === 'lifeline, sessions')
      out[kind][key] = { rows, target: goal, ...(sessions && goal !== undefined ? { sessionsMet: sessions.ratio <= goal } : {}) }
      text.push(`### ${env}: ${what}, ${label}\n\n${throughputTable(rows, 'raw')}${targetLine(rows, goal, label)}`)
    }
  }
  return { ...out, text: text.join('\n\n') }
}

export function kinds(available) {
  const pick = (names) => names.filter((name) => available[name])
  return (cases) => [
    ['events', pick(['raw', 'raw, server', 'lifeline', 'lifeline, server', 'lifeline, sessions', 'lifeline, sessions @compare', 'partysocket', 'reconnecting-websocket']).filter((x) => x in cases.events), EVENT_WINDOW,
      `events, window of ${EVENT_WINDOW}`],
    ['rpc', pick(['raw', 'raw, server', 'lifeline', 'lifeline, server', 'lifeline, sessions', 'lifeline, sessions @compare', 'json-rpc-2.0', 'rpc-websockets', 'socket.io-client']).filter((x) => x in cases.rpc), RPC_IN_FLIGHT,
      `RPC round trips, ${RPC_IN_FLIGHT} in flight`],
  ]
}

export async function run({ rounds = 5, n = 100_000 } = {}) {
  const servers = await startServers()
  try {
    const createClient = await loadLifeline()
    const createClientCompare = compareDist ? (await import(pathToFileURL(join(compareDist, 'lifeline.js')).href)).createClient : undefined
    const cases = makeCases({ WebSocket, createClient, createClientCompare, PartySocketWebSocket, ReconnectingWebSocket, JSONRPCClient, RpcWebsocketsClient, io }, servers.urls)
    const all = { raw: 1, 'raw, server': 1, lifeline: 1, 'lifeline, server': 1, 'lifeline, sessions': 1, 'lifeline, sessions @compare': 1, partysocket: 1, 'reconnecting-websocket': 1, 'json-rpc-2.0': 1, 'rpc-websockets': 1, 'socket.io-client': 1 }
    const metrics = [{ key: 'ms', label: 'wall time', target: NODE_TARGET }, { key: 'cpu', label: 'client process CPU time' }]
    return await compare(kinds(all)(cases), { rounds, n, env: 'Node', metrics }, async (kind, name, count, param) => {
      globalThis.gc?.()
      const before = process.cpuUsage()
      const ms = await cases[kind][name](count, param)
      const used = process.cpuUsage(before)
      return { ms, cpu: (used.user + used.system) / 1000 }
    })
  } finally {
    servers.stop()
  }
}
