// What each memory case builds, one per child process so nothing leaks from
// one into the next. `setup` connects (or fails to) and returns `add(i)`,
// which makes one pending call or one queued frame and returns what the
// caller would hold on to.
import WebSocket from 'ws'
import { WebSocket as PartySocketWebSocket } from 'partysocket'
import ReconnectingWebSocket from 'reconnecting-websocket'
import { JSONRPCClient } from 'json-rpc-2.0'
import { Client as RpcWebsocketsClient } from 'rpc-websockets'
import { io } from 'socket.io-client'
import { WebsocketBuilder, ArrayQueue } from 'websocket-ts'
import { payload } from './cases.mjs'
import { importLifeline } from './env.mjs'

const opened = (ws) => new Promise((resolve) => ws.addEventListener('open', resolve, { once: true }))
const frame = (i) => JSON.stringify({ jsonrpc: '2.0', method: 'tick', params: payload(i) })
const lifeline = importLifeline

/** Pending calls against servers that never answer (urls.blackhole; socket.io: an event with no handler). */
export const pending = {
  'raw (Map of resolvers)': async (urls) => {
    const ws = new WebSocket(urls.blackhole)
    await opened(ws)
    const table = new Map()
    let seq = 0
    return (i) => new Promise((resolve, reject) => {
      const id = ++seq
      table.set(id, { resolve, reject })
      ws.send(JSON.stringify({ jsonrpc: '2.0', id, method: 'echo', params: payload(i) }))
    })
  },
  'lifeline (default 30 s timeout)': async (urls) => {
    const client = (await lifeline())(urls.blackhole, { WebSocket })
    await client.ready()
    return (i) => client.call('echo', payload(i))
  },
  'lifeline (timeout: Infinity)': async (urls) => {
    const client = (await lifeline())(urls.blackhole, { WebSocket, callTimeout: Infinity })
    await client.ready()
    return (i) => client.call('echo', payload(i))
  },
  'json-rpc-2.0': async (urls) => {
    const ws = new WebSocket(urls.blackhole)
    await opened(ws)
    const client = new JSONRPCClient((req) => ws.send(JSON.stringify(req)))
    return (i) => client.request('echo', payload(i))
  },
  'rpc-websockets': async (urls) => {
    const client = new RpcWebsocketsClient(urls.blackhole, { reconnect: false })
    await new Promise((resolve) => client.once('open', resolve))
    return (i) => client.call('echo', payload(i))
  },
  'socket.io-client (emitWithAck)': async (urls) => {
    const socket = io(urls.sio, { transports: ['websocket'], reconnection: false })
    await new Promise((resolve) => socket.once('connect', resolve))
    return (i) => socket.emitWithAck('unanswered', payload(i))
  },
}

const unbounded = { maxMessages: Infinity, maxBytes: Infinity }

/** Frames queued while disconnected (urls.refused: nothing listens there, so every attempt fails). */
export const queued = {
  'bare array of the frames': async () => (i) => frame(i),
  'lifeline send(frame)': async (urls) => {
    const client = (await lifeline())(urls.refused, { WebSocket, queue: unbounded })
    return (i) => client.send(frame(i))
  },
  'lifeline notify(method, params)': async (urls) => {
    const client = (await lifeline())(urls.refused, { WebSocket, queue: unbounded })
    return (i) => client.notify('tick', payload(i))
  },
  partysocket: async (urls) => {
    const ws = new PartySocketWebSocket(urls.refused, undefined, { WebSocket })
    return (i) => ws.send(frame(i))
  },
  'reconnecting-websocket': async (urls) => {
    const ws = new ReconnectingWebSocket(urls.refused, [], { WebSocket })
    return (i) => ws.send(frame(i))
  },
  'websocket-ts (ArrayQueue)': async (urls) => {
    globalThis.WebSocket ??= WebSocket
    const ws = new WebsocketBuilder(urls.refused).withBuffer(new ArrayQueue()).build()
    return (i) => ws.send(frame(i))
  },
  'socket.io-client emit (packets, not strings)': async (urls) => {
    const socket = io(urls.refused.replace('ws:', 'http:'), { transports: ['websocket'] })
    return (i) => socket.emit('tick', payload(i))
  },
}
