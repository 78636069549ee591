/**
 * The command line: `lifeline-ws gateway [options]`. Parses the arguments, prints the help, loads
 * and checks the config and the environment, and starts the gateway. Exit codes: 0 done, 1 failed
 * while running, 2 a usage or config error (its message names the bad key).
 * @module
 */
import { parseArgs } from 'node:util'
import type { Writable } from 'node:stream'
import { ConfigError } from './config-check'
import { startGateway, type Gateway } from './gateway'
import { findConfig, loadConfig } from './load-config'
import { createLogger } from './log'
import { readSecrets } from './secrets'

export const helpText = `Usage: lifeline-ws gateway [options]

A standalone lifeline server for a backend in any language: browsers connect
over WebSocket; your backend answers their calls over HTTP and pushes to them
through the gateway's /api.

Options:
  -c, --config <file>  config file (default: ./lifeline.config.mjs or .json)
  -p, --port <n>       listen on this port instead of the config's
      --check          check the config and environment, print them, exit
  -h, --help           show this help
  -v, --version        print the version

Environment (secrets never go in the config file):
  LIFELINE_API_KEY         bearer key of /api/* (required, 16+ characters)
  LIFELINE_BACKEND_TOKEN   sent to the backend as Lifeline-Gateway-Token
  LIFELINE_JWT_SECRET      HS256 secret, with connect.mode "jwt"
  LIFELINE_JWT_PUBLIC_KEY  PEM public key, with connect.mode "jwt"
  LIFELINE_REDIS_URL       share topics and sessions with other gateways

Smallest lifeline.config.json:
  { "backend": { "url": "http://127.0.0.1:8000" },
    "methods": { "chat.send": {} } }

Your backend answers POST /lifeline/connect and POST /lifeline/rpc/{method}.
SIGTERM: running calls finish, sessions are handed over, then it exits.
Docs: docs/gateway.md; the API: lifeline-ws/dist/gateway-openapi.json
`

/** Where the CLI reads and writes. */
export interface CliIo {
  env: NodeJS.ProcessEnv
  cwd: string
  stdout: Pick<Writable, 'write'>
  stderr: Pick<Writable, 'write'>
  version: string
}

/** The outcome: an exit code now, or a running gateway (exit when it closes). */
export type CliResult = { code: number } | { gateway: Gateway }

/** Run `lifeline-ws <argv>`. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<CliResult> {
  const usage = (message: string) => {
    io.stderr.write(`lifeline-ws: ${message}\nRun 'lifeline-ws gateway --help' for the options.\n`)
    return { code: 2 }
  }
  let parsed
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        config: { type: 'string', short: 'c' },
        port: { type: 'string', short: 'p' },
        check: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    })
  } catch (err) {
    return usage((err as Error).message)
  }
  const { values, positionals } = parsed
  if (values.version) {
    io.stdout.write(`${io.version}\n`)
    return { code: 0 }
  }
  if (values.help || positionals.length === 0) {
    io.stdout.write(helpText)
    return { code: values.help ? 0 : 2 }
  }
  if (positionals[0] !== 'gateway' || positionals.length > 1) return usage(`unknown command: ${positionals.join(' ')}`)
  try {
    const config = await loadConfig(findConfig(io.cwd, values.config))
    if (values.port !== undefined) {
      const port = Number(values.port)
      if (!/^\d+$/.test(values.port) || port > 65535) throw new ConfigError('--port', 'expected an integer from 0 to 65535', values.port)
      config.port = port
    }
    const secrets = readSecrets(config, io.env)
    if (values.check) {
      io.stdout.write(`${JSON.stringify({ config, redis: secrets.redisUrl !== undefined }, null, 2)}\n`)
      return { code: 0 }
    }
    return { gateway: await startGateway(config, secrets, createLogger(config.log.level, io.stdout)) }
  } catch (err) {
    if (err instanceof ConfigError) return usage(err.message)
    io.stderr.write(`lifeline-ws: could not start: ${err instanceof Error ? err.message : String(err)}\n`)
    return { code: 1 }
  }
}
