// What the runtime smoke suite's checks share, in Node, Deno and Bun alike: named checks with a
// deadline, assertions, polling for a condition (never a fixed sleep), and a hand-written HTTP
// upgrade over node:net whose status line the check reads (a WebSocket client cannot see the
// status of a refused upgrade).
import { connect } from 'node:net'

const results = []

/** Runs one named check with a deadline, and prints `ok` or `FAIL` with the error. */
export async function check(name, run) {
  let timer
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after 20000 ms: ${name}`)), 20_000)
  })
  try {
    await Promise.race([run(), deadline])
    results.push(true)
    console.log(`ok   ${name}`)
  } catch (err) {
    results.push(false)
    console.log(`FAIL ${name}: ${err?.stack ?? err}`)
  } finally {
    clearTimeout(timer)
  }
}

/** `N passed, N failed` so far, and whether all passed. */
export function summary() {
  const passed = results.filter(Boolean).length
  return { line: `${passed} passed, ${results.length - passed} failed`, ok: passed === results.length }
}

export function assertEqual(actual, expected, what) {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`)
}

/** Polls `condition` until it holds. */
export async function until(condition, what, ms = 10_000) {
  const end = Date.now() + ms
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

/**
 * Sends a WebSocket upgrade request by hand and resolves with its HTTP status (101 when accepted)
 * and the socket, left open for the caller (`socket.destroy()` when done).
 */
export function rawUpgrade(port, { path = '/', headers = {}, key = 'dGhlIHNhbXBsZSBub25jZQ==' } = {}) {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    socket.on('error', reject)
    socket.once('data', (data) => {
      const status = Number(/^HTTP\/1\.1 (\d+)/.exec(data.toString('latin1'))?.[1] ?? 0)
      resolve({ status, socket })
    })
    const lines = Object.entries({ host: `127.0.0.1:${port}`, ...headers }).map(([name, value]) => `${name}: ${value}\r\n`).join('')
    const keyLine = key ? `Sec-WebSocket-Key: ${key}\r\n` : ''
    socket.write(`GET ${path} HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n${keyLine}Sec-WebSocket-Version: 13\r\n${lines}\r\n`)
  })
}

/** A client's WebSocket text frame (masked, as a client must send it) of at most 125 bytes, written by hand. */
export function maskedTextFrame(text) {
  const payload = new TextEncoder().encode(text)
  if (payload.length > 125) throw new RangeError(`maskedTextFrame: at most 125 bytes, got ${payload.length}`)
  const mask = [0x12, 0x34, 0x56, 0x78]
  const frame = new Uint8Array(6 + payload.length)
  frame.set([0x81, 0x80 | payload.length, ...mask])
  payload.forEach((byte, index) => {
    frame[6 + index] = byte ^ mask[index % 4]
  })
  return frame
}

/** The status of a hand-written upgrade, its socket closed. */
export async function upgradeStatus(port, options) {
  const { status, socket } = await rawUpgrade(port, options)
  socket.destroy()
  return status
}

/** Resolves once `socket` (node:net) is closed by the other end. */
export const closedByPeer = (socket) => new Promise((resolve) => {
  if (socket.destroyed) resolve()
  socket.once('close', resolve)
})
