/**
 * `lifeline-ws/server/deno`: the lifeline server on Deno's own WebSocket
 * server (`Deno.serve` and `Deno.upgradeWebSocket`) instead of `ws`: the
 * same options, methods, sessions, topics and limits as `lifeline-ws/server`,
 * and nothing to install beside lifeline-ws. docs/server.md, "Deno and Bun".
 * @packageDocumentation
 */
import type { Contract } from '../protocol/contract'
import type { Broker } from './topics/broker/broker'
import { createDenoTransport, type DenoRuntime, type DenoServeInfo } from './transport/deno'
import { startWebServer, type WebServer, type WebServerOptions } from './web'

export * from './exports'
export type { WebUpgradeRequest } from './transport/web-door'
export type { DenoServeInfo } from './transport/deno'
export type {
  WebContext as Context, WebListenOptions as ListenOptions, WebMethodHandler as MethodHandler, WebServerOptions as ServerOptions,
  WebServerMethod as ServerMethod, WebServerMethods as ServerMethods,
} from './web'

/**
 * The object `createServer` returns on Deno: the Server of `lifeline-ws/server`, with
 * `handleUpgrade` for your own `Deno.serve`.
 * @example
 * const lifeline = createServer({ noServer: true, path: '/ws', methods })
 * Deno.serve((request, info) => lifeline.handleUpgrade(request, info) ?? new Response('hello'))
 */
export interface Server<Auth = unknown, Published extends number | Promise<number> = number, C extends Contract = Contract> extends WebServer<Auth, Published, C> {
  /**
   * Answer a request of your `Deno.serve` that may be a WebSocket upgrade (`noServer`): a promise of
   * the `Response` to return (the upgrade, or a refusal), or undefined, leaving the request to you,
   * when it is not an upgrade to `path`. Pass the handler's `info`: the door counts connections by
   * its `remoteAddr`.
   */
  handleUpgrade(request: Request, info: DenoServeInfo): Promise<Response> | undefined
}

/**
 * Start a lifeline server on Deno's own WebSocket server. Options are those of
 * `lifeline-ws/server`, but it listens with `port` (a `Deno.serve` of its own) or `noServer`.
 * Give it the contract your client uses (`createServer<C>`), as on `lifeline-ws/server`, to type
 * `methods`, `ctx.notify`, `ctx.call`, `publish` and `broadcast`.
 * Deno keeps connections alive itself: the heartbeat's interval becomes `Deno.upgradeWebSocket`'s
 * `idleTimeout`.
 * @example
 * import { createServer } from 'npm:lifeline-ws/server/deno'
 * const server = createServer({ port: 8080, methods: { echo: (params) => params } })
 * await server.ready
 * Deno.addSignalListener('SIGTERM', () => server.close())
 */
export function createServer<C extends Contract = Contract, Auth = unknown>(
  options: WebServerOptions<Auth, C> & { broker: Broker & { publish(topic: string, data: unknown): Promise<number> } },
): Server<Auth, Promise<number>, C>
export function createServer<C extends Contract = Contract, Auth = unknown>(options: WebServerOptions<Auth, C>): Server<Auth, number, C>
export function createServer<C extends Contract = Contract, Auth = unknown>(options: WebServerOptions<Auth, C>): Server<Auth, number | Promise<number>, C> {
  // The contract types the options and the Server object only (as in lifeline-ws/server's createServer).
  const { server, transport } = startWebServer('deno', options as WebServerOptions<Auth>, (resolved, deno: DenoRuntime) => createDenoTransport(resolved, deno))
  return Object.assign(server as WebServer<Auth, number | Promise<number>, C>, { handleUpgrade: transport.handleUpgrade })
}
