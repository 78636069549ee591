// The gateway's config check: defaults filled in, and every wrong value refused with a message
// that names the key (its full path) and what was expected.
import { describe, expect, it } from 'vitest'
import { ConfigError, validateConfig } from '../../../src/gateway/config'
import { readSecrets } from '../../../src/gateway/secrets'

const backend = { url: 'http://127.0.0.1:8000/' }

describe('validateConfig', () => {
  it('fills in every default from a config that names only the backend', () => {
    expect(validateConfig({ backend })).toEqual({
      port: 8080,
      host: undefined,
      path: '/ws',
      apiPort: undefined,
      backend: { url: 'http://127.0.0.1:8000', timeout: 5000 },
      connect: { mode: 'proxy', timeout: 5000 },
      methods: {},
      allowedOrigins: [],
      maxConnectionsPerAddress: 1000,
      sessions: { ttl: 120000, maxBytes: 1048576 },
      history: { limit: 100, maxAge: 300000 },
      redis: { prefix: 'lifeline:', writeThrough: true },
      shutdownTimeout: 10000,
      log: { level: 'info' },
    })
  })

  it('gives each method the backend’s timeout, two retries and not idempotent, unless it says otherwise', () => {
    const config = validateConfig({ backend: { ...backend, timeout: 900 }, methods: { 'chat.send': {}, 'chat.history': { idempotent: true, retries: 5, timeout: 100 } } })
    expect(config.methods).toEqual({ 'chat.send': { timeout: 900, retries: 2, idempotent: false }, 'chat.history': { timeout: 100, retries: 5, idempotent: true } })
  })

  it('takes a JWT connect with its options, sessions off, and a wildcard origin', () => {
    const config = validateConfig({ backend, connect: { mode: 'jwt', issuer: 'https://auth', audience: 'app', algorithms: ['RS256'] }, sessions: false, allowedOrigins: '*' })
    expect(config.connect).toEqual({ mode: 'jwt', issuer: 'https://auth', audience: 'app', algorithms: ['RS256'], topicsClaim: 'topics' })
    expect(config.sessions).toBe(false)
    expect(config.allowedOrigins).toBe('*')
  })

  const refusals: [string, unknown, string][] = [
    ['not an object', [], 'lifeline gateway config: expected an object, got an array'],
    ['no backend', {}, 'lifeline gateway config: backend: required, expected an object'],
    ['no backend URL', { backend: {} }, 'backend.url: required, expected a non-empty string'],
    ['a connect without its mode', { backend, connect: {} }, 'connect.mode: required, expected one of "proxy", "jwt"'],
    ['a backend URL that is not http', { backend: { url: 'ftp://x' } }, 'backend.url: expected an http:// or https:// URL, got "ftp://x"'],
    ['a typo in a key', { backend, allowedOrigin: ['x'] }, 'allowedOrigin: unknown key; expected one of port, host'],
    ['a port out of range', { backend, port: 70000 }, 'port: expected an integer from 0 to 65535, got 70000'],
    ['a path without a slash', { backend, path: 'ws' }, 'path: expected a path starting with /, got "ws"'],
    ['a bad method timeout', { backend, methods: { 'chat.send': { timeout: -5 } } }, 'methods.chat.send.timeout: expected an integer from 1 to 600000, got -5'],
    ['an unknown method key', { backend, methods: { 'chat.send': { retry: 1 } } }, 'methods.chat.send.retry: unknown key; expected one of timeout, retries, idempotent'],
    ['a reserved method name', { backend, methods: { 'rpc.ping': {} } }, 'methods.rpc.ping: names starting with rpc. are reserved for the protocol'],
    ['a method name with spaces', { backend, methods: { 'chat send': {} } }, 'methods.chat send: a method name is 1 to 100 letters'],
    ['a method that is not an object', { backend, methods: { 'chat.send': true } }, 'methods.chat.send: expected an object, got true'],
    ['idempotent as a string', { backend, methods: { a: { idempotent: 'yes' } } }, 'methods.a.idempotent: expected true or false, got "yes"'],
    ['an unknown connect mode', { backend, connect: { mode: 'oauth' } }, 'connect.mode: expected one of "proxy", "jwt", got "oauth"'],
    ['a JWT option in proxy mode', { backend, connect: { mode: 'proxy', issuer: 'x' } }, 'connect.issuer: unknown key with mode "proxy"; expected one of mode, timeout'],
    ['origins that are not strings', { backend, allowedOrigins: [1] }, 'allowedOrigins: expected an array of non-empty strings, got an array'],
    ['no connections per address', { backend, maxConnectionsPerAddress: 0 }, 'maxConnectionsPerAddress: expected an integer from 1 to 10000000, got 0'],
    ['a log level', { backend, log: { level: 'verbose' } }, 'log.level: expected one of "debug", "info", "warn", "error", got "verbose"'],
    ['sessions true', { backend, sessions: true }, 'sessions: expected an object, got true'],
    ['tiny sessions', { backend, sessions: { maxBytes: 10 } }, 'sessions.maxBytes: expected an integer from 1024'],
    ['history limit', { backend, history: { limit: -1 } }, 'history.limit: expected an integer from 0'],
    ['redis prefix', { backend, redis: { prefix: '' } }, 'redis.prefix: expected a non-empty string, got ""'],
    ['the same two ports', { backend, port: 9000, apiPort: 9000 }, 'apiPort: must differ from port, got 9000'],
  ]
  it.each(refusals)('refuses %s, naming the key', (_name, raw, message) => {
    expect(() => validateConfig(raw)).toThrow(ConfigError)
    expect(() => validateConfig(raw)).toThrow(message)
  })
})

describe('readSecrets', () => {
  const config = validateConfig({ backend })
  const apiKey = 'k'.repeat(16)

  it('reads the secrets from the environment, treating empty as absent', () => {
    expect(readSecrets(config, { LIFELINE_API_KEY: apiKey, LIFELINE_BACKEND_TOKEN: 'shared', LIFELINE_REDIS_URL: 'redis://127.0.0.1:6379', LIFELINE_JWT_SECRET: '' })).toEqual({
      apiKey,
      backendToken: 'shared',
      redisUrl: 'redis://127.0.0.1:6379',
      jwtSecret: undefined,
      jwtPublicKey: undefined,
    })
  })

  it('refuses a missing or short API key, a JWT mode with no key or two, and a Redis URL that is not one', () => {
    expect(() => readSecrets(config, {})).toThrow('LIFELINE_API_KEY: required, at least 16 characters')
    expect(() => readSecrets(config, { LIFELINE_API_KEY: 'short' })).toThrow('LIFELINE_API_KEY')
    const jwt = validateConfig({ backend, connect: { mode: 'jwt' } })
    expect(() => readSecrets(jwt, { LIFELINE_API_KEY: apiKey })).toThrow('connect.mode "jwt" needs exactly one of LIFELINE_JWT_SECRET or LIFELINE_JWT_PUBLIC_KEY')
    expect(() => readSecrets(jwt, { LIFELINE_API_KEY: apiKey, LIFELINE_JWT_SECRET: 's', LIFELINE_JWT_PUBLIC_KEY: 'p' })).toThrow('needs exactly one')
    expect(() => readSecrets(config, { LIFELINE_API_KEY: apiKey, LIFELINE_REDIS_URL: 'localhost:6379' })).toThrow('LIFELINE_REDIS_URL: expected a redis:// or rediss:// URL')
  })
})
