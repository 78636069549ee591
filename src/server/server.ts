/**
 * `createServer`: the options checked and resolved, the `ws` transport
 * (transport/ws.ts) and the transport-independent core (core.ts) put
 * together, and the Server object users hold.
 * @module
 */
import type { Contract } from '../protocol/contract'
import { createCore } from './core'
import { resolveServerOptions } from './resolve-options'
import type { Broker } from './topics/broker/broker'
import { createWsTransport } from './transport/ws'
import type { Server, ServerOptions } from './types'

/**
 * Start a lifeline server: JSON-RPC methods, events, topics with history,
 * server-to-client calls and heartbeats, on `ws`.
 *
 * Give it the contract your client uses (`createClient<C>`) to type each method's params and
 * result, `ctx.notify` and `broadcast` events, `publish` topics and `ctx.call` to the client's
 * handlers. Without one, names are strings and payloads `unknown`. With a broker whose `publish`
 * answers with a promise (`redisBroker`), `server.publish` does too. The contract is a promise
 * checked by the compiler, not at run time: params come from the network as the client sent them.
 * @typeParam C - the contract. @default the loose `Contract` (everything `unknown`)
 * @typeParam Auth - what `authenticate` returns, `ctx.auth`; inferred from `authenticate` when no
 *   type argument is given, otherwise the second one. @default unknown
 * @example
 * import { createServer } from 'lifeline-ws/server'
 * const server = createServer({ port: 8080, methods: { echo: (params) => params } })
 * await server.ready
 * setInterval(() => server.publish('clock', { now: Date.now() }), 1000)
 * @example
 * const typed = createServer<ChatApi, { user: string }>({
 *   port: 8080,
 *   authenticate: (request) => ({ user: userOf(request) }),
 *   methods: { 'room.join': ({ room }, ctx) => ({ members: join(room, ctx.auth.user) }) },
 * })
 */
export function createServer<C extends Contract = Contract, Auth = unknown>(
  options: ServerOptions<Auth, C> & { broker: Broker & { publish(topic: string, data: unknown): Promise<number> } },
): Server<Auth, Promise<number>, C>
export function createServer<C extends Contract = Contract, Auth = unknown>(options: ServerOptions<Auth, C>): Server<Auth, number, C>
export function createServer<C extends Contract = Contract, Auth = unknown>(options: ServerOptions<Auth, C>): Server<Auth, number | Promise<number>, C> {
  // The contract types the options and the Server object only: at run time every handler takes
  // what the client sent, so the resolved options are the loose ones.
  const resolved = resolveServerOptions(options as ServerOptions<Auth>)
  const transport = createWsTransport<Auth>(resolved)
  const core = createCore(resolved, transport)
  const server: Server<Auth, number | Promise<number>> = {
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
  return server as Server<Auth, number | Promise<number>, C>
}
