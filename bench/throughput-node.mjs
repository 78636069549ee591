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
import { importLifeline } from './lib/env.mjs'

/** Lifeline's target in Node: at most this × the raw baseline's time. */
export const NODE_TARGET = 1.1

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

/** Shared by both environments: runs both comparisons and renders them with the target line. */
export async function compare(kinds, { rounds, n, target, env }, runOne) {
  const out = {}
  const text = []
  for (const [kind, names, param, what] of kinds) {
    const samples = await interleave(names, { rounds, n, warmup: Math.round(n / 10) }, (name, count) => runOne(kind, name, count, param))
    const rows = summarize(samples, n)
    const life = rows.find((r) => r.name === 'lifeline')
    const met = life ? life.ratio <= target : null
    // Node only: the client with a session, against lifeline-ws/server (its own target line).
    const sessions = rows.find((r) => r.name === 'lifeline, sessions')
    const sessionsMet = sessions ? sessions.ratio <= target : null
    out[kind] = { rows, target, met, ...(sessions ? { sessionsMet } : {}) }
    text.push(`### ${env}: ${what}\n\n${throughputTable(rows, 'raw')}\n\n` +
      `Target: lifeline within ${target.toFixed(2)}× of raw: ${life ? `${life.ratio.toFixed(2)}×, ${met ? 'met' : 'MISSED'}` : 'not measured (no build)'}.` +
      (sessions ? ` Sessions on: ${sessions.ratio.toFixed(2)}×, ${sessionsMet ? 'met' : 'MISSED'}.` : ''))
  }
  return { ...out, text: text.join('\n\n') }
}

export function kinds(available) {
  const pick = (names) => names.filter((name) => available[name])
  return (cases) => [
    ['events', pick(['raw', 'lifeline', 'lifeline, server', 'lifeline, sessions', 'partysocket', 'reconnecting-websocket']).filter((x) => x in cases.events), EVENT_WINDOW,
      `events, window of ${EVENT_WINDOW}`],
    ['rpc', pick(['raw', 'lifeline', 'lifeline, server', 'lifeline, sessions', 'json-rpc-2.0', 'rpc-websockets', 'socket.io-client']).filter((x) => x in cases.rpc), RPC_IN_FLIGHT,
      `RPC round trips, ${RPC_IN_FLIGHT} in flight`],
  ]
}

export async function run({ rounds = 5, n = 100_000 } = {}) {
  const servers = await startServers()
  try {
    const createClient = await loadLifeline()
    const cases = makeCases({ WebSocket, createClient, PartySocketWebSocket, ReconnectingWebSocket, JSONRPCClient, RpcWebsocketsClient, io }, servers.urls)
    const all = { raw: 1, lifeline: 1, 'lifeline, server': 1, 'lifeline, sessions': 1, partysocket: 1, 'reconnecting-websocket': 1, 'json-rpc-2.0': 1, 'rpc-websockets': 1, 'socket.io-client': 1 }
    return await compare(kinds(all)(cases), { rounds, n, target: NODE_TARGET, env: 'Node' }, (kind, name, count, param) => {
      globalThis.gc?.()
      return cases[kind][name](count, param)
    })
  } finally {
    servers.stop()
  }
}
