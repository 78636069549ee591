// Issue #25, item 3: the values that make a reconnect storm or a hang are refused in EVERY build.
// These run createSocket and createClient with NODE_ENV=production, where the development checks
// (names, types, choices) are off; test/package/production.test.ts runs the built bundles the same way.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createClient, createSocket, type ClientOptions } from '../../../src/index'
import { createClient as createSharingClient } from '../../../src/share'
import { MAX_WAIT, checkRanges, socketRanges } from '../../../src/socket/ranges'
import { clientRanges } from '../../../src/client/options'
import { FakeSocket } from '../../helpers/fake-socket'

const base: ClientOptions = { WebSocket: FakeSocket.ctor, lazy: true, environment: { window: undefined, document: undefined, navigator: undefined } }

let before: string | undefined
beforeEach(() => {
  before = process.env.NODE_ENV
  process.env.NODE_ENV = 'production'
})
afterEach(() => {
  process.env.NODE_ENV = before
})

/** Every storm or hang the issue lists, and the message that names it. */
const storms: Array<[string, ClientOptions]> = [
  ['reconnect.maxDelay', { reconnect: { maxDelay: -1 } }],
  ['reconnect.maxDelay', { reconnect: { maxDelay: MAX_WAIT + 1 } }],
  ['reconnect.initialDelay', { reconnect: { initialDelay: Number.NaN } }],
  ['reconnect.initialDelay', { reconnect: { initialDelay: Infinity } }],
  ['reconnect.factor', { reconnect: { factor: Number.NaN } }],
  ['reconnect.jitter', { reconnect: { jitter: 2 } }],
  ['reconnect.maxRetries', { reconnect: { maxRetries: Number.NaN } }],
  ['reconnect.resetAfter', { reconnect: { resetAfter: -5 } }],
  ['connectTimeout', { connectTimeout: 0 }],
  ['connectTimeout', { connectTimeout: Infinity }],
  ['connectTimeout', { connectTimeout: '10000' as unknown as number }],
  ['heartbeat.interval', { heartbeat: { interval: -1 } }],
  ['heartbeat.timeout', { heartbeat: { timeout: Number.NaN } }],
  ['queue.maxMessages', { queue: { maxMessages: Number.NaN } }],
  ['queue.ttl', { queue: { ttl: 1e12 } }],
  ['callTimeout', { callTimeout: Number.NaN }],
]

describe('number options, in a production build', () => {
  it.each(storms)('a bad %s is a RangeError naming it, from createClient', (name, options) => {
    expect(() => createClient('ws://test.local/', { ...base, ...options })).toThrow(RangeError)
    expect(() => createClient('ws://test.local/', { ...base, ...options })).toThrow(`lifeline: ${name} must be`)
  })

  it.each(storms.filter(([name]) => name !== 'callTimeout'))('a bad %s is a RangeError naming it, from createSocket', (name, options) => {
    expect(() => createSocket('ws://test.local/', { ...base, ...options } as never)).toThrow(`lifeline: ${name} must be`)
  })

  it.each(storms)('a bad %s is a RangeError from the sharing createClient, before any tab joins', (name, options) => {
    expect(() => createSharingClient('ws://test.local/', { ...base, ...options, share: true })).toThrow(`lifeline: ${name} must be`)
  })

  it('says the range: reconnect.maxDelay -1', () => {
    expect(() => createClient('ws://test.local/', { ...base, reconnect: { maxDelay: -1 } }))
      .toThrow(`lifeline: reconnect.maxDelay must be a number from 0 to ${MAX_WAIT}`)
  })

  it('accepts the edges: 0 delays, Infinity retries and ttl, jitter 0 and 1, turned-off sections', () => {
    const edges: ClientOptions[] = [
      { reconnect: { initialDelay: 0, maxDelay: 0, resetAfter: 0, maxRetries: Infinity, jitter: 0 } },
      { reconnect: { jitter: 1, maxDelay: MAX_WAIT, factor: Infinity } },
      { queue: { ttl: Infinity, maxMessages: Infinity, highWaterMark: 0 } },
      { reconnect: false, heartbeat: false, queue: false, callTimeout: Infinity },
    ]
    for (const options of edges) createClient('ws://test.local/', { ...base, ...options }).close()
  })

  it('leaves name checks to development builds: a misspelt name is ignored in production', () => {
    expect(() => createClient('ws://test.local/', { ...base, heartBeat: {} } as ClientOptions).close()).not.toThrow()
  })

  it("rejects a call whose own timeout is NaN or negative instead of leaving it pending forever", async () => {
    const client = createClient('ws://test.local/', base)
    await expect(client.call('slow', undefined, { timeout: Number.NaN })).rejects.toThrow("lifeline: the timeout of call 'slow' must be a number from 0 to Infinity")
    await expect(client.call('slow', undefined, { timeout: -1 })).rejects.toBeInstanceOf(RangeError)
    expect(client.queued).toBe(0)
    client.close()
  })
})

describe('the ranges table', () => {
  it('has a range for every number the development rules check, and the same message', () => {
    process.env.NODE_ENV = 'development'
    for (const name of Object.keys(clientRanges)) {
      const [section, key] = name.split('.') as [string, string?]
      const options = key === undefined ? { [section]: -1 } : { [section]: { [key]: -1 } }
      const production = (() => {
        try {
          checkRanges(options, clientRanges)
        } catch (err) {
          return (err as Error).message
        }
        return 'accepted'
      })()
      expect(production, name).toMatch(`lifeline: ${name} must be`)
      expect(() => createClient('ws://test.local/', { ...base, ...options }), name).toThrow(production)
    }
    expect(Object.keys(socketRanges).length).toBeGreaterThan(10)
  })
})
