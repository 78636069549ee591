// In-process gateways for the proxy and API tests: a scripted backend (node:http on a loopback
// port 0, recording every request) and startGateway from src/, both closed after each test.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach } from 'vitest'
import { validateConfig } from '../../../src/gateway/config'
import { startGateway, type Gateway } from '../../../src/gateway/gateway'
import { createLogger } from '../../../src/gateway/log'
import type { GatewaySecrets } from '../../../src/gateway/secrets'

const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close()
})

/** What the scripted backend received. */
export interface Received {
  path: string
  headers: IncomingHttpHeaders
  body: Record<string, unknown>
}

/** An answer of the scripted backend: status, JSON body (or raw text), and a delay before it. */
export interface Scripted {
  status?: number
  body?: unknown
  text?: string
  delay?: number
}

export interface FakeBackend {
  readonly url: string
  readonly received: Received[]
  /** What a path answers, by the request; the default answers connect with user "ann" and rpc with `{ result: params }`. */
  on(path: string, answer: (request: Received) => Scripted | Promise<Scripted>): void
}

const defaults = (request: Received): Scripted =>
  request.path === '/lifeline/connect' ? { body: { user: 'ann', topics: ['news', 'room:*'] } } : { body: { result: request.body.params } }

export async function fakeBackend(): Promise<FakeBackend> {
  const received: Received[] = []
  const scripts = new Map<string, (request: Received) => Scripted | Promise<Scripted>>()
  const answer = async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = []
    for await (const chunk of request) chunks.push(chunk as Buffer)
    const entry: Received = { path: request.url ?? '/', headers: request.headers, body: JSON.parse(Buffer.concat(chunks).toString() || '{}') as Record<string, unknown> }
    received.push(entry)
    const scripted = await (scripts.get(entry.path) ?? defaults)(entry)
    if (scripted.delay) await new Promise((resolve) => setTimeout(resolve, scripted.delay))
    if (response.destroyed) return
    const text = scripted.text ?? (scripted.body === undefined ? '' : JSON.stringify(scripted.body))
    response.writeHead(scripted.status ?? 200, { 'content-type': scripted.text === undefined ? 'application/json' : 'text/html' })
    response.end(text)
  }
  const server = createServer((request, response) => void answer(request, response).catch(() => response.destroy()))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  )
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    on: (path, answer) => void scripts.set(path, answer),
  }
}

export const apiKey = 'in-process-api-key-0123'

/** Log lines the gateway wrote, parsed. */
export type LogLines = Record<string, unknown>[]

/** A gateway on loopback port 0 in front of `backend`, with `config` added and `secrets` overriding the defaults. */
export async function gatewayFor(backend: { url: string }, config: Record<string, unknown> = {}, secrets: Partial<GatewaySecrets> = {}) {
  const lines: LogLines = []
  const out = { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) > 0 }
  const checked = validateConfig({ port: 0, host: '127.0.0.1', backend: { url: backend.url }, log: { level: 'debug' }, ...config })
  const gateway: Gateway = await startGateway(
    checked,
    { apiKey, jwtSecret: undefined, jwtPublicKey: undefined, backendToken: undefined, redisUrl: undefined, ...secrets },
    createLogger(checked.log.level, out),
  )
  closers.push(() => gateway.close())
  return {
    gateway,
    lines,
    url: `ws://127.0.0.1:${gateway.port}/ws`,
    http: `http://127.0.0.1:${gateway.port}`,
    api: `http://127.0.0.1:${gateway.apiPort}`,
  }
}
