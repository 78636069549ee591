/**
 * The gateway's configuration: its shape, its defaults, and the check that turns a parsed
 * `lifeline.config.json` (or a `.mjs` default export) into a {@link GatewayConfig}, failing with a
 * {@link ConfigError} that names the bad key. Secrets never live here: they come from the
 * environment (secrets.ts).
 * @module
 */
import { ConfigError, checkObject, optional, type Checked } from './config-check'

export { ConfigError } from './config-check'

/** How the gateway learns who a connecting client is. */
export type ConnectConfig =
  | {
      /** Ask the backend: `POST {backend.url}/lifeline/connect` with the upgrade's cookies and Authorization. */
      mode: 'proxy'
      /** Milliseconds the backend has to answer. @default backend.timeout */
      timeout: number
    }
  | {
      /** Verify a JWT locally (from `?token=` or `Authorization: Bearer`), with LIFELINE_JWT_SECRET or LIFELINE_JWT_PUBLIC_KEY. */
      mode: 'jwt'
      /** Algorithms accepted. @default ['HS256'] with a secret, ['RS256', 'ES256', 'EdDSA'] with a public key */
      algorithms: string[] | undefined
      /** Required `iss` claim. @default undefined (not checked) */
      issuer: string | undefined
      /** Required `aud` claim. @default undefined (not checked) */
      audience: string | undefined
      /** Claim that lists the topics the user may subscribe to. @default 'topics' */
      topicsClaim: string
    }

/** One method clients may call; the gateway forwards it to `POST {backend.url}/lifeline/rpc/{name}`. */
export interface MethodConfig {
  /** Milliseconds one attempt may take. @default backend.timeout */
  timeout: number
  /** Attempts after the first, for a call that may run twice (see `idempotent`) and failed to reach the backend. @default 2 */
  retries: number
  /** Running it twice does no harm, so it may be retried even when not keyed. @default false */
  idempotent: boolean
}

/** The whole configuration, every default filled in. */
export interface GatewayConfig {
  /** Port of WebSocket upgrades, /healthz and /readyz (and /api, /metrics without apiPort). @default 8080 */
  port: number
  /** Interface to listen on. @default undefined (every interface) */
  host: string | undefined
  /** Path of WebSocket upgrades. @default '/ws' */
  path: string
  /** A second port for /api and /metrics only, kept off the public one. @default undefined */
  apiPort: number | undefined
  backend: {
    /** Base URL of the backend, e.g. `http://127.0.0.1:8000`. */
    url: string
    /** Default milliseconds of every backend request. @default 5000 */
    timeout: number
  }
  connect: ConnectConfig
  /** The allowlist: only these methods reach the backend; others are answered -32601. @default {} */
  methods: Record<string, MethodConfig>
  /** Origins allowed besides the gateway's own (browsers' cross-site requests), or '*'. @default [] */
  allowedOrigins: string[] | '*'
  /**
   * Connections (open or upgrading) one client address may hold; the next upgrade is answered 429
   * before the backend is asked. Behind a proxy every client has the proxy's address. @default 1000
   */
  maxConnectionsPerAddress: number
  /** Sessions (exactly once across drops); `false` turns them off. @default { ttl: 120000 } */
  sessions: { ttl: number; maxBytes: number } | false
  /** Topic history kept per topic. @default { limit: 100, maxAge: 300000 } */
  history: { limit: number; maxAge: number }
  /** Several processes on one Redis (LIFELINE_REDIS_URL): key prefix and write-through sessions. */
  redis: { prefix: string; writeThrough: boolean }
  /** How long a SIGTERM lets running calls finish, ms. @default 10000 */
  shutdownTimeout: number
  /** Lowest level logged (JSON lines on stdout). @default 'info' */
  log: { level: LogLevel }
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'
export const logLevels: readonly LogLevel[] = ['debug', 'info', 'warn', 'error']

const port = (value: Checked, key: string) => value.integer(key, 0, 65535)

/**
 * Check a parsed config and fill in the defaults. Throws a {@link ConfigError} naming the first bad
 * key (`methods.chat.send.timeout: expected an integer from 1 to 600000, got -5`); unknown keys are
 * errors too, so a typo (`allowedOrigin`) does not pass silently.
 * @example
 * validateConfig({ backend: { url: 'http://127.0.0.1:8000' }, methods: { 'chat.send': {} } })
 */
export function validateConfig(raw: unknown): GatewayConfig {
  const root = checkObject(raw, 'config', ['port', 'host', 'path', 'apiPort', 'backend', 'connect', 'methods', 'allowedOrigins', 'maxConnectionsPerAddress', 'sessions', 'history', 'redis', 'shutdownTimeout', 'log', '$schema'])
  const backend = root.object('backend', ['url', 'timeout'])
  const url = backend.string('url')
  if (!/^https?:\/\/[^/]/.test(url)) throw new ConfigError('backend.url', 'expected an http:// or https:// URL', url)
  const timeout = optional(backend, 'timeout', 5000, (v, k) => v.integer(k, 1, 600_000))
  const config: GatewayConfig = {
    port: optional(root, 'port', 8080, port),
    host: optional(root, 'host', undefined, (v, k) => v.string(k)),
    path: optional(root, 'path', '/ws', (v, k) => v.string(k, /^\//, 'a path starting with /')),
    apiPort: optional(root, 'apiPort', undefined, port),
    backend: { url: url.replace(/\/+$/, ''), timeout },
    connect: connectConfig(root, timeout),
    methods: methodsConfig(root, timeout),
    allowedOrigins: optional(root, 'allowedOrigins', [], (v, k) => (v.value(k) === '*' ? '*' : v.strings(k))),
    maxConnectionsPerAddress: optional(root, 'maxConnectionsPerAddress', 1000, (v, k) => v.integer(k, 1, 10_000_000)),
    sessions: sessionsConfig(root),
    history: optional(root, 'history', { limit: 100, maxAge: 300_000 }, (v, k) => {
      const history = v.object(k, ['limit', 'maxAge'])
      return { limit: optional(history, 'limit', 100, (h, key) => h.integer(key, 0, 1_000_000)), maxAge: optional(history, 'maxAge', 300_000, (h, key) => h.integer(key, 1, 2 ** 31)) }
    }),
    redis: optional(root, 'redis', { prefix: 'lifeline:', writeThrough: true }, (v, k) => {
      const redis = v.object(k, ['prefix', 'writeThrough'])
      return { prefix: optional(redis, 'prefix', 'lifeline:', (r, key) => r.string(key)), writeThrough: optional(redis, 'writeThrough', true, (r, key) => r.boolean(key)) }
    }),
    shutdownTimeout: optional(root, 'shutdownTimeout', 10_000, (v, k) => v.integer(k, 0, 600_000)),
    log: optional(root, 'log', { level: 'info' as LogLevel }, (v, k) => ({ level: optional(v.object(k, ['level']), 'level', 'info' as LogLevel, (l, key) => l.oneOf(key, logLevels)) })),
  }
  if (config.apiPort !== undefined && config.apiPort !== 0 && config.apiPort === config.port) throw new ConfigError('apiPort', 'must differ from port', config.apiPort)
  return config
}

function connectConfig(root: Checked, timeout: number): ConnectConfig {
  return optional(root, 'connect', { mode: 'proxy', timeout } as ConnectConfig, (v, k) => {
    const connect = v.object(k, ['mode', 'timeout', 'algorithms', 'issuer', 'audience', 'topicsClaim'])
    const mode = connect.oneOf('mode', ['proxy', 'jwt'] as const)
    if (mode === 'proxy') {
      connect.only(['mode', 'timeout'], 'with mode "proxy"')
      return { mode, timeout: optional(connect, 'timeout', timeout, (c, key) => c.integer(key, 1, 600_000)) }
    }
    connect.only(['mode', 'algorithms', 'issuer', 'audience', 'topicsClaim'], 'with mode "jwt"')
    return {
      mode,
      algorithms: optional(connect, 'algorithms', undefined, (c, key) => c.strings(key)),
      issuer: optional(connect, 'issuer', undefined, (c, key) => c.string(key)),
      audience: optional(connect, 'audience', undefined, (c, key) => c.string(key)),
      topicsClaim: optional(connect, 'topicsClaim', 'topics', (c, key) => c.string(key)),
    }
  })
}

function methodsConfig(root: Checked, timeout: number): Record<string, MethodConfig> {
  const methods: Record<string, MethodConfig> = {}
  if (root.value('methods') === undefined) return methods
  const all = root.object('methods', undefined)
  for (const name of all.keys()) {
    if (name.startsWith('rpc.')) throw new ConfigError(`methods.${name}`, 'names starting with rpc. are reserved for the protocol', name)
    if (!/^[\w.:-]{1,100}$/.test(name)) throw new ConfigError(`methods.${name}`, 'a method name is 1 to 100 letters, digits, _ . : or -', name)
    const method = all.object(name, ['timeout', 'retries', 'idempotent'])
    methods[name] = {
      timeout: optional(method, 'timeout', timeout, (m, key) => m.integer(key, 1, 600_000)),
      retries: optional(method, 'retries', 2, (m, key) => m.integer(key, 0, 10)),
      idempotent: optional(method, 'idempotent', false, (m, key) => m.boolean(key)),
    }
  }
  return methods
}

function sessionsConfig(root: Checked): GatewayConfig['sessions'] {
  const value = root.value('sessions')
  if (value === false) return false
  return optional(root, 'sessions', { ttl: 120_000, maxBytes: 1_048_576 }, (v, k) => {
    const sessions = v.object(k, ['ttl', 'maxBytes'])
    return {
      ttl: optional(sessions, 'ttl', 120_000, (s, key) => s.integer(key, 1, 2 ** 31)),
      maxBytes: optional(sessions, 'maxBytes', 1_048_576, (s, key) => s.integer(key, 1024, 2 ** 31)),
    }
  })
}
