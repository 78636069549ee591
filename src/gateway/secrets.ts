/**
 * The secrets, read from the environment only (never from the config file, which is often
 * committed): the API key, the JWT key, the backend's shared token and the Redis URL.
 * @module
 */
import { ConfigError } from './config-check'
import type { GatewayConfig } from './config'

/** What the gateway reads from the environment. */
export interface GatewaySecrets {
  /** LIFELINE_API_KEY: the bearer token of /api/*. Required: without it the API would be open. */
  apiKey: string
  /** LIFELINE_JWT_SECRET: the HMAC secret of `connect.mode: "jwt"` (HS256). */
  jwtSecret: string | undefined
  /** LIFELINE_JWT_PUBLIC_KEY: a PEM (SPKI) public key for `connect.mode: "jwt"` (RS256, ES256, EdDSA). */
  jwtPublicKey: string | undefined
  /** LIFELINE_BACKEND_TOKEN: sent to the backend as `Lifeline-Gateway-Token`, so it can tell the gateway's requests. */
  backendToken: string | undefined
  /** LIFELINE_REDIS_URL: several gateway processes share topics and sessions on this Redis. */
  redisUrl: string | undefined
}

/** The environment variables, for --help and the docs. */
export const secretNames = {
  apiKey: 'LIFELINE_API_KEY',
  jwtSecret: 'LIFELINE_JWT_SECRET',
  jwtPublicKey: 'LIFELINE_JWT_PUBLIC_KEY',
  backendToken: 'LIFELINE_BACKEND_TOKEN',
  redisUrl: 'LIFELINE_REDIS_URL',
} as const

/** Shortest API key accepted: a guessable key would open publish and disconnect to anyone. */
const MIN_API_KEY = 16

/** Read and check the secrets `config` needs from `env`; errors name the variable. */
export function readSecrets(config: GatewayConfig, env: NodeJS.ProcessEnv): GatewaySecrets {
  const read = (name: string) => {
    const value = env[name]
    return value === undefined || value === '' ? undefined : value
  }
  const apiKey = read(secretNames.apiKey)
  if (apiKey === undefined || apiKey.length < MIN_API_KEY) throw new ConfigError(secretNames.apiKey, `required, at least ${MIN_API_KEY} characters (the key of /api/*)`)
  const secrets: GatewaySecrets = {
    apiKey,
    jwtSecret: read(secretNames.jwtSecret),
    jwtPublicKey: read(secretNames.jwtPublicKey),
    backendToken: read(secretNames.backendToken),
    redisUrl: read(secretNames.redisUrl),
  }
  if (config.connect.mode === 'jwt' && (secrets.jwtSecret === undefined) === (secrets.jwtPublicKey === undefined)) {
    throw new ConfigError(secretNames.jwtSecret, `connect.mode "jwt" needs exactly one of ${secretNames.jwtSecret} or ${secretNames.jwtPublicKey}`)
  }
  if (secrets.redisUrl !== undefined && !/^rediss?:\/\//.test(secrets.redisUrl)) throw new ConfigError(secretNames.redisUrl, 'expected a redis:// or rediss:// URL')
  return secrets
}
