// Drives one server of bench/runtime-server.mjs from Node, with raw JSON-RPC over ws (a light
// client, so that the server is what is measured): calls from a few sockets, a fan-out to many
// subscribers, and the server's RSS per idle connection. Medians of `rounds`.
import { spawn } from 'node:child_process'
import WebSocket from 'ws'

const CALL_SOCKETS = 4
const CALLS = 20_000
const IN_FLIGHT = 50
const SUBSCRIBERS = 200
const PUBLISHED = 200
const IDLE = 4_000

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

/** A raw JSON-RPC socket: call() resolves with the result; `onNotification` sees the rest. */
async function rpcSocket(url) {
  const ws = new WebSocket(url)
  await new Promise((resolve, reject) => {
    ws.once('open', resolve)
    ws.once('error', reject)
  })
  const pending = new Map()
  let next = 0
  const socket = {
    ws,
    onNotification: () => {},
    call(method, params) {
      const id = ++next
      ws.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }))
      return new Promise((resolve) => pending.set(id, resolve))
    },
  }
  ws.on('message', (data) => {
    const message = JSON.parse(String(data))
    if (message.id !== undefined && pending.has(message.id)) {
      pending.get(message.id)(message.result)
      pending.delete(message.id)
    } else socket.onNotification(message)
  })
  return socket
}

async function calls(url) {
  const sockets = await Promise.all(Array.from({ length: CALL_SOCKETS }, () => rpcSocket(url)))
  const start = performance.now()
  let left = CALLS
  const worker = async (socket) => {
    while (left > 0) {
      left--
      await socket.call('echo', { n: left })
    }
  }
  await Promise.all(sockets.flatMap((socket) => Array.from({ length: IN_FLIGHT }, () => worker(socket))))
  const ms = performance.now() - start
  for (const socket of sockets) socket.ws.close()
  return ms
}

async function fanOut(url) {
  const subscribers = await Promise.all(Array.from({ length: SUBSCRIBERS }, () => rpcSocket(url)))
  await Promise.all(subscribers.map((socket) => socket.call('rpc.subscribe', { topic: 't' })))
  let delivered = 0
  const all = new Promise((resolve) => {
    for (const socket of subscribers) {
      socket.onNotification = () => {
        delivered++
        if (delivered === SUBSCRIBERS * PUBLISHED) resolve()
      }
    }
  })
  const start = performance.now()
  await subscribers[0].call('burst', { n: PUBLISHED })
  await all
  const ms = performance.now() - start
  for (const socket of subscribers) socket.ws.close()
  return ms
}

async function idleMemory(url) {
  const probe = await rpcSocket(url)
  const before = await probe.call('memory')
  const idle = []
  for (let n = 0; n < IDLE; n += 100) {
    idle.push(...(await Promise.all(Array.from({ length: 100 }, () => rpcSocket(url)))))
  }
  // Each socket has been served once, so what a connection keeps is built.
  await Promise.all(idle.map((socket) => socket.call('rpc.ping')))
  const after = await probe.call('memory')
  for (const socket of [probe, ...idle]) socket.ws.terminate()
  return (after - before) / IDLE
}

/** Start `command` (a runtime-server.mjs), measure it, stop it. */
export async function driveServer(command, args, rounds) {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] })
  const port = await new Promise((resolve, reject) => {
    let out = ''
    child.stdout.on('data', (chunk) => {
      out += chunk
      const match = /listening (\d+)/.exec(out)
      if (match) resolve(Number(match[1]))
    })
    child.once('exit', (code) => reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${out}`)))
  })
  const url = `ws://127.0.0.1:${port}/`
  try {
    await calls(url)
    const callTimes = []
    const fanOutTimes = []
    for (let round = 0; round < rounds; round++) {
      callTimes.push(await calls(url))
      fanOutTimes.push(await fanOut(url))
    }
    const perConnection = await idleMemory(url)
    return { callsMs: median(callTimes), calls: CALLS, fanOutMs: median(fanOutTimes), deliveries: SUBSCRIBERS * PUBLISHED, perConnection, idle: IDLE }
  } finally {
    child.stdin.end()
    if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve))
  }
}
