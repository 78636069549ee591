// createServer's options, checked at start in every build: a misspelt name gets the nearest known
// one, a value of the wrong kind a TypeError and a number out of range a RangeError, each naming
// the option; valid options pass untouched.
import { createServer as createHttpServer } from 'node:http'
import { describe, expect, it } from 'vitest'
import { createHistory, createServer, createSessionStore, jsonRpc, memoryBroker, type ServerOptions } from '../../../src/server'
import { resolveServerOptions } from '../../../src/server/resolve-options'

const check = (options: unknown) => () => resolveServerOptions(options as ServerOptions)

describe('server option names', () => {
  it.each([
    [{ noServer: true, allowOrigins: ['https://a.example'] }, 'unknown option allowOrigins; did you mean allowedOrigins?'],
    [{ noServer: true, allowedOrigin: '*' }, 'unknown option allowedOrigin; did you mean allowedOrigins?'],
    [{ noServer: true, method: {} }, 'unknown option method; did you mean methods?'],
    [{ noServer: true, heartBeat: { interval: 1000 } }, 'unknown option heartBeat; did you mean heartbeat?'],
    [{ noServer: true, onerror: () => {} }, 'unknown option onerror; did you mean onError?'],
    [{ noServer: true, sessions: { tll: 1000 } }, 'unknown option sessions.tll; did you mean sessions.ttl?'],
    [{ noServer: true, rateLimit: { burts: 10 } }, 'unknown option rateLimit.burts; did you mean rateLimit.burst?'],
    [{ noServer: true, heartbeat: { intervall: 10 } }, 'unknown option heartbeat.intervall; did you mean heartbeat.interval?'],
    [{ noServer: true, history: { limt: 10 } }, 'unknown option history.limt; did you mean history.limit?'],
  ])('%# refuses %o: %s', (options, message) => {
    expect(check(options)).toThrow(TypeError)
    expect(check(options)).toThrow(`lifeline-ws/server: ${message}`)
  })

  it('lists the known names when nothing is near', () => {
    expect(check({ noServer: true, rateLimit: { xyzzy: 1 } })).toThrow('unknown option rateLimit.xyzzy; known options: rateLimit.rate, rateLimit.burst')
  })

  it('checks names before anything starts: createServer throws and leaves nothing running', () => {
    expect(() => createServer({ port: 0, allowOrigins: ['https://a.example'] } as never)).toThrow(/did you mean allowedOrigins/)
  })
})

describe('server option values', () => {
  it.each([
    [{ port: '8080' }, TypeError, 'port must be an integer >= 0, got the string \'8080\''],
    [{ port: 1.5 }, RangeError, 'port must be an integer in 0..65535, got 1.5'],
    [{ noServer: false }, TypeError, 'noServer must be true, got boolean'],
    [{ noServer: true, host: '127.0.0.1' }, TypeError, 'host goes with port'],
    [{ server: {} }, TypeError, 'server must be an http or https server'],
    [{ noServer: true, path: 'ws' }, TypeError, "path must start with '/', got the string 'ws'"],
    [{ noServer: true, path: 5 }, TypeError, 'path must be a string, got 5'],
    [{ noServer: true, methods: [] }, TypeError, 'methods must be an object of functions'],
    [{ noServer: true, authenticate: 'token' }, TypeError, "authenticate must be a function, got the string 'token'"],
    [{ noServer: true, authRejection: 'throw' }, TypeError, "authRejection must be 'close' or 'http', got the string 'throw'"],
    [{ noServer: true, authorizeSubscribe: true }, TypeError, 'authorizeSubscribe must be a function, got boolean'],
    [{ noServer: true, maxPayload: '1mb' }, TypeError, "maxPayload must be an integer >= 1, got the string '1mb'"],
    [{ noServer: true, maxSubscriptions: 0 }, RangeError, 'maxSubscriptions must be an integer >= 1, got 0'],
    [{ noServer: true, maxBufferedAmount: Infinity }, RangeError, 'maxBufferedAmount must be an integer >= 1, got Infinity'],
    [{ noServer: true, callTimeout: NaN }, RangeError, 'callTimeout must be an integer >= 1, got NaN'],
    [{ noServer: true, heartbeat: true }, TypeError, 'heartbeat must be an object or false, got boolean'],
    [{ noServer: true, history: { latest: () => null } }, TypeError, 'history must be a HistoryStore; object lacks append(), since()'],
    [{ noServer: true, history: { now: 5 } }, TypeError, 'history.now must be a function, got 5'],
    [{ noServer: true, protocol: {} }, TypeError, 'protocol must be a Protocol, like jsonRpc(); object lacks encode(), decode()'],
    [{ noServer: true, protocol: { ...jsonRpc(), ping: undefined } }, TypeError, 'protocol.ping must be a string, got undefined'],
    [{ noServer: true, sessions: { ackDelay: -1 } }, RangeError, 'sessions.ackDelay must be an integer >= 0, got -1'],
    [{ noServer: true, sessions: { store: { save() {} } } }, TypeError, 'sessions.store must be a SessionStore, like createSessionStore() or redisSessionStore({ url }); object lacks take()'],
    [{ noServer: true, onConnect: {} }, TypeError, 'onConnect must be a function, got object'],
    [{ noServer: true, onResume: 1 }, TypeError, 'onResume must be a function, got 1'],
    [{ noServer: true, onDisconnect: null }, TypeError, 'onDisconnect must be a function, got null'],
    [{ noServer: true, onError: 'log' }, TypeError, "onError must be a function, got the string 'log'"],
    [{ noServer: true, broker: { publish() {} } }, TypeError, 'broker must be a Broker, like memoryBroker() or redisBroker({ url }); object lacks start(), history(), broadcast(), cluster(), stop()'],
    [{ noServer: true, handshakeTimeout: -5 }, RangeError, 'handshakeTimeout must be an integer >= 1, got -5'],
    [{ noServer: true, maxConnectionsPerAddress: 2.5 }, RangeError, 'maxConnectionsPerAddress must be an integer >= 1, got 2.5'],
    [{ noServer: true, rateLimit: { burst: 0 } }, RangeError, 'rateLimit.burst must be an integer >= 1, got 0'],
  ])('%# refuses %o', (options, type, message) => {
    expect(check(options)).toThrow(type)
    expect(check(options)).toThrow(`lifeline-ws/server: ${message}`)
  })

  it('takes every option with a valid value, and each section turned off', () => {
    const http = createHttpServer()
    // Every option but the other two listening modes: one left out here does not compile.
    type OnServer = Extract<ServerOptions, { server: object }>
    const every: OnServer & Required<Omit<OnServer, 'port' | 'host' | 'noServer'>> = {
      server: http,
      path: '/ws',
      methods: { echo: (params) => params },
      authenticate: () => true,
      authRejection: 'http',
      authorizeSubscribe: () => true,
      allowedOrigins: ['https://app.example.com/'],
      maxPayload: 1024,
      maxInFlight: 4,
      maxQueued: 0,
      maxSubscriptions: 10,
      maxBufferedAmount: 4096,
      heartbeat: { interval: 1000 },
      history: { limit: 10, maxAge: 1000, now: Date.now },
      callTimeout: 1000,
      shutdownTimeout: 0,
      protocol: jsonRpc({ publish: 'event' }),
      sessions: { ttl: 1000, maxBytes: 1024, ackDelay: 0, store: createSessionStore() },
      onConnect: () => {},
      onResume: () => {},
      onDisconnect: () => {},
      onError: () => {},
      broker: memoryBroker(),
      handshakeTimeout: 1000,
      maxConnectionsPerAddress: 5,
      clientAddress: () => 'x',
      rateLimit: { rate: 10, burst: 20 },
    }
    const resolved = resolveServerOptions(every)
    expect(resolved.listen).toEqual({ server: http })
    expect(resolved.door).toMatchObject({ path: '/ws', authRejection: 'http', maxPayload: 1024, handshakeTimeout: 1000, maxConnectionsPerAddress: 5 })
    expect(resolved.limits).toEqual({ maxInFlight: 4, maxQueued: 0, maxSubscriptions: 10, maxBufferedAmount: 4096, rateLimit: { rate: 10, burst: 20 } })
    expect(resolved.sessions).toMatchObject({ ttl: 1000, maxBytes: 1024, ackDelay: 0 })
    expect(resolved.heartbeat).toBe(1000)
    const off = resolveServerOptions({ port: 0, host: '127.0.0.1', heartbeat: false, history: false, sessions: false, rateLimit: false })
    expect(off).toMatchObject({ listen: { port: 0, host: '127.0.0.1' }, heartbeat: false, sessions: false, limits: { rateLimit: false } })
    expect(resolveServerOptions({ noServer: true, history: createHistory() }).listen).toEqual({ noServer: true })
  })
})
