// Small helpers shared by the runner, the engines and the scenarios.
import { createServer } from 'node:net'
import { isDeepStrictEqual } from 'node:util'

/** A TCP port that was free a moment ago (for peers that must come back on the same port). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

/**
 * Polls `check` until it returns something truthy, or throws after `timeout` ms.
 * @template T
 * @param {() => T | Promise<T>} check
 * @param {number} timeout
 * @param {string} what for the error message
 * @returns {Promise<T>}
 */
export async function until(check, timeout, what) {
  const deadline = Date.now() + timeout
  for (;;) {
    const value = await check()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** Throws `message` unless `ok`. */
export function assert(ok, message) {
  if (!ok) throw new Error(message)
}

/** Throws unless `actual` and `expected` are deeply equal (key order aside: engines differ there). */
export function assertEqual(actual, expected, what) {
  if (!isDeepStrictEqual(actual, expected)) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`)
}
