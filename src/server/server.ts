/**
 * `createServer`: the options checked and resolved, the `ws` transport
 * (transport/ws.ts) and the transport-independent core (core.ts) put
 * together, and the Server object users hold.
 * @module
 */
import { createCore } from './core'
import { resolveServerOptions } from './resolve-options'
import type { Broker } from './topics/broker/broker'
import { createWsTransport } from './transport/ws'
import type { Server, ServerOptions } from './types'

/**
 * Start a lifeline server: JSON-RPC methods, events, topics with history,
 * server-to-client calls and heartbeats, on `ws`.
 * @example
 * import { createServer } from 'lifeline-ws/server'
 * const server = createServer({ port: 8080, methods: { echo: (params) => params } })
 * await server.ready
 * setInterval(() => server.publish('clock', { now: Date.now() }), 1000)
 */
export function createServer<Auth = unknown>(
  options: ServerOptions<Auth> & { broker: Broker & { publish(topic: string, data: unknown): Promise<number> } },
): Server<Auth, Promise<number>>
export function createServer<Auth = unknown>(options: ServerOptions<Auth>): Server<Auth>
export function createServer<Auth = unknown>(options: ServerOptions<Auth>): Server<Auth, number | Promise<number>> {
  const resolved = resolveServerOptions(options)
  const transport = createWsTransport<Auth>(resolved)
  const core = createCore(resolved, transport)
  return {
    ready: core.ready,
    address: transport.address,
    get port() {
      const listening = transport.address()
      return typeof listening == 'object' && listening ? listening.port : undefined
    },
    clients: core.clients,
    get stats() {
      return core.stats
    },
    publish: core.publish,
    broadcast: core.broadcast,
    cluster: core.cluster,
    handleUpgrade: transport.handleUpgrade,
    close: core.close,
  }
}
