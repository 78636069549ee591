import { describe, expect, it } from 'vitest'
import { resolveOptions, socketUrl, type ClientOptions } from '../../../src/options'
import { backoff } from '../../../src/connection/backoff'

describe('socketUrl', () => {
  it.each([
    ['http://a.example/x', 'ws://a.example/x'],
    ['https://a.example/x?y=1', 'wss://a.example/x?y=1'],
    ['ws://a.example:8080/', 'ws://a.example:8080/'],
    ['wss://a.example/#drop-the-hash', 'wss://a.example/'],
  ])('%s -> %s', (input, output) => {
    expect(socketUrl(input)).toBe(output)
    expect(socketUrl(new URL(input))).toBe(output)
  })

  it.each(['ftp://a.example/', 'file:///etc/passwd', 'mailto:x@y.z', 'not a url'])('%s is a TypeError', (input) => {
    expect(() => socketUrl(input)).toThrow(TypeError)
  })
})

describe('resolveOptions', () => {
  it('fills in the documented defaults', () => {
    const o = resolveOptions({})
    expect(o.connectTimeout).toBe(10000)
    expect(o.reconnect).toEqual({ initialDelay: 1000, maxDelay: 30000, factor: 2, jitter: 'full', maxRetries: Infinity, resetAfter: 5000, backoff })
    expect(o.heartbeat).toEqual({ interval: 25000, timeout: 10000, ping: undefined, pong: undefined })
    expect(o.env.random).toBe(Math.random)
  })

  it('keeps false as off', () => {
    const o = resolveOptions({ reconnect: false, heartbeat: false })
    expect([o.reconnect, o.heartbeat]).toEqual([false, false])
  })

  it.each<[string, ClientOptions]>([
    ['reconnect.initialDelay', { reconnect: { initialDelay: -1 } }],
    ['reconnect.initialDelay', { reconnect: { initialDelay: Number.NaN } }],
    ['reconnect.maxDelay', { reconnect: { initialDelay: 5000, maxDelay: 100 } }],
    ['reconnect.factor', { reconnect: { factor: 0.5 } }],
    ['reconnect.jitter', { reconnect: { jitter: 2 } }],
    ['reconnect.maxRetries', { reconnect: { maxRetries: -1 } }],
    ['reconnect.resetAfter', { reconnect: { resetAfter: '5s' as unknown as number } }],
    ['connectTimeout', { connectTimeout: 0 }],
    ['connectTimeout', { connectTimeout: Infinity }],
    ['heartbeat.interval', { heartbeat: { interval: -5 } }],
    ['heartbeat.timeout', { heartbeat: { timeout: 0 } }],
  ])('a bad %s is a RangeError naming it', (name, options) => {
    expect(() => resolveOptions(options)).toThrow(RangeError)
    expect(() => resolveOptions(options)).toThrow(name)
  })

  it('accepts Infinity for maxRetries', () => {
    expect(resolveOptions({ reconnect: { maxRetries: Infinity } }).reconnect).toMatchObject({ maxRetries: Infinity })
  })

  it('a WebSocket option that is not a constructor is a TypeError', () => {
    expect(() => resolveOptions({ WebSocket: 'ws' as never })).toThrow(TypeError)
  })
})
