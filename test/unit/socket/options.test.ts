import { describe, expect, it, vi } from 'vitest'
import { resolveOptions, socketUrl } from '../../../src/socket/options'
import { backoff } from '../../../src/socket/backoff'
import { nearest } from '../../../src/nearest'
import { socketRules, validate } from '../../../src/socket/validate'
import { clientRules, type ClientOptions } from '../../../src/client/options'

// Development-build validation, as createSocket and createClient run it.
const check = (options: ClientOptions) => validate('', options, clientRules())

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

  it.each(['ftp://a.example/', 'file:///etc/passwd', 'mailto:x@y.z', 'not a url', '/relative/without/a/page', 'ws://'])('%s is a TypeError', (input) => {
    expect(() => socketUrl(input)).toThrow(TypeError)
  })

  it('keeps the scheme check case-blind and the query untouched', () => {
    expect(socketUrl('HTTPS://a.example/x?token=a/b#frag')).toBe('wss://a.example/x?token=a/b')
    expect(socketUrl('WS://a.example')).toBe('ws://a.example')
  })

  it('resolves a relative URL against the page, where there is one', () => {
    vi.stubGlobal('location', { href: 'https://app.example/chat/room?x=1' })
    try {
      expect(socketUrl('/ws')).toBe('wss://app.example/ws')
      expect(socketUrl('live')).toBe('wss://app.example/chat/live')
      expect(socketUrl('http://other.example/a#b')).toBe('ws://other.example/a')
    } finally {
      vi.unstubAllGlobals()
    }
  })

  // React Native's URL: the constructor and href work; before 0.80 every other getter throws, no
  // version has setters, and older ones append a '/' to whatever the URL ends with.
  class ReactNativeUrl {
    readonly href: string
    constructor(url: string) {
      this.href = url.endsWith('/') ? url : url + '/'
    }
    toString() {
      return this.href
    }
    get protocol(): string {
      throw new Error('URL.protocol is not implemented')
    }
    get hash(): string {
      throw new Error('URL.hash is not implemented')
    }
  }

  it("works where URL is React Native's: never reads its parts, never mangles the query", () => {
    vi.stubGlobal('URL', ReactNativeUrl)
    try {
      expect(socketUrl('https://a.example/ws?token=abc')).toBe('wss://a.example/ws?token=abc')
      expect(socketUrl(new ReactNativeUrl('ws://a.example/ws') as unknown as URL)).toBe('ws://a.example/ws/')
    } finally {
      vi.unstubAllGlobals()
    }
  })
})

describe('resolveOptions', () => {
  it('fills in the documented defaults', () => {
    const o = resolveOptions({}, true)
    expect(o.connectTimeout).toBe(10000)
    expect(o.reconnect).toEqual({ initialDelay: 1000, maxDelay: 30000, factor: 2, jitter: 'full', maxRetries: Infinity, resetAfter: 5000, backoff })
    expect(o.heartbeat).toEqual({ interval: 25000, timeout: 10000, ping: undefined, pong: undefined })
    expect(o.env.random).toBe(Math.random)
  })

  it('turns a raw heartbeat without a ping frame off: silence alone proves nothing', () => {
    expect(resolveOptions({}).heartbeat).toBe(false)
    expect(resolveOptions({ heartbeat: { ping: 'p' } }).heartbeat).toMatchObject({ interval: 25000, ping: 'p' })
  })

  it('lifts the default maxDelay to a larger initialDelay', () => {
    expect(resolveOptions({ reconnect: { initialDelay: 60000 } }).reconnect).toMatchObject({ maxDelay: 60000 })
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
    ['callTimeout', { callTimeout: 0 }],
    ['queue.overflow', { queue: { overflow: 'drop-all' as never } }],
  ])('a bad %s is a RangeError naming it', (name, options) => {
    expect(() => check(options)).toThrow(RangeError)
    expect(() => check(options)).toThrow(name)
  })

  it('accepts Infinity for maxRetries, and every documented default', () => {
    expect(() => check({ reconnect: { maxRetries: Infinity }, heartbeat: {}, queue: {}, environment: {} })).not.toThrow()
  })

  it('a WebSocket option that is not a constructor is a TypeError', () => {
    expect(() => check({ WebSocket: 'ws' as never })).toThrow(TypeError)
  })
})

describe('unknown option names (development builds)', () => {
  it.each([
    [{ heartBeat: {} }, 'unknown option heartBeat; did you mean heartbeat?'],
    [{ reconect: false }, 'unknown option reconect; did you mean reconnect?'],
    [{ reconnect: { initalDelay: 5 } }, 'unknown option reconnect.initalDelay; did you mean reconnect.initialDelay?'],
    [{ queue: { maxMesages: 5 } }, 'unknown option queue.maxMesages; did you mean queue.maxMessages?'],
  ])('%o is a TypeError naming the nearest known name', (options, message) => {
    expect(() => check(options as ClientOptions)).toThrow(TypeError)
    expect(() => check(options as ClientOptions)).toThrow(message)
  })

  it('lists the known names when none is close', () => {
    expect(() => check({ zzzzzzzzzz: 1 } as ClientOptions)).toThrow(/known options: WebSocket, protocols/)
  })

  it('createSocket knows no client option', () => {
    expect(() => validate('', { callTimeout: 5 } as never, socketRules())).toThrow('unknown option callTimeout')
  })

  it('finds the nearest name by edit distance or case', () => {
    expect(nearest('HEARTBEAT', ['heartbeat', 'queue'])).toBe('heartbeat')
    expect(nearest('quue', ['heartbeat', 'queue'])).toBe('queue')
    expect(nearest('nothing-like-it', ['heartbeat', 'queue'])).toBeUndefined()
  })
})
