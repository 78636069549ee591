/**
 * `lifeline-ws/server/bun`: the lifeline server on Bun's own WebSocket
 * server (`Bun.serve` with `websocket` handlers) instead of `ws`: the same
 * options, methods, sessions, topics and limits as `lifeline-ws/server`, and
 * nothing to install beside lifeline-ws. docs/server.md, "Deno and Bun".
 * @packageDocumentation
 */
import type { Contract } from '../protocol/contract'
import type { Broker } from './topics/broker/broker'
import { createBunTransport, type BunRuntime, type BunServer, type BunWebSocketHandler } from './transport/bun'
import { startWebServer, type WebServer, type WebServerOptions } from './web'

export * from './exports'
export type { WebUpgradeRequest } from './transport/web-door'
export type { BunServer, BunServerWebSocket, BunWebSocketHandler } from './transport/bun'
export type {
  WebContext as Context, WebListenOptions as ListenOptions, WebMethodHandler as MethodHandler, WebServerOptions as ServerOptions,
  WebServerMethod as ServerMethod, WebServerMethods as ServerMethods,
} from './web'

/**
 * The object `createServer` returns on Bun: the Server of `lifeline-ws/server`, with
 * `handleUpgrade` and `websocket` for your own `Bun.serve`.
 * @example
 * const lifeline = createServer({ noServer: true, path: '/ws', methods })
 * Bun.serve({ port: 8080, fetch: (request, server) => lifeline.handleUpgrade(request, server) ?? new Response('hello'), websocket: lifeline.websocket })
 */
export interface Server<Auth = unknown, Published extends number | Promise<number> = number, C extends Contract = Contract> extends WebServer<Auth, Published, C> {
  /**
   * Answer a request of your `Bun.serve` that may be a WebSocket upgrade (`noServer`): a promise of
   * the refusal, or of undefined once upgraded (what Bun's `fetch` returns then), or undefined,
   * leaving the request to you, when it is not an upgrade to `path`. Pass the `server` Bun gives
   * `fetch`: it upgrades, and tells the client's address.
   */
  handleUpgrade(request: Request, server: BunServer): Promise<Response | undefined> | undefined
  /**
   * The `websocket` option of your `Bun.serve` (`noServer`): lifeline's handlers and limits. One
   * `Bun.serve` has one: route every WebSocket upgrade of it through `handleUpgrade`.
   */
  readonly websocket: BunWebSocketHandler
}

/**
 * Start a lifeline server on Bun's own WebSocket server. Options are those of
 * `lifeline-ws/server`, but it listens with `port` (a `Bun.serve` of its own) or `noServer`.
 * Give it the contract your client uses (`createServer<C>`), as on `lifeline-ws/server`, to type
 * `methods`, `ctx.notify`, `ctx.call`, `publish` and `broadcast`.
 * @example
 * import { createServer } from 'lifeline-ws/server/bun'
 * const server = createServer({ port: 8080, methods: { echo: (params) => params } })
 * await server.ready
 * process.on('SIGTERM', () => server.close())
 */
export function createServer<C extends Contract = Contract, Auth = unknown>(
  options: WebServerOptions<Auth, C> & { broker: Broker & { publish(topic: string, data: unknown): Promise<number> } },
): Server<Auth, Promise<number>, C>
export function createServer<C extends Contract = Contract, Auth = unknown>(options: WebServerOptions<Auth, C>): Server<Auth, number, C>
export function createServer<C extends Contract = Contract, Auth = unknown>(options: WebServerOptions<Auth, C>): Server<Auth, number | Promise<number>, C> {
  // The contract types the options and the Server object only (as in lifeline-ws/server's createServer).
  const { server, transport } = startWebServer('bun', options as WebServerOptions<Auth>, (resolved, bun: BunRuntime) =>
    createBunTransport({ ...resolved, maxBufferedAmount: resolved.limits.maxBufferedAmount }, bun),
  )
  return Object.assign(server as WebServer<Auth, number | Promise<number>, C>, { handleUpgrade: transport.handleUpgrade, websocket: transport.websocket })
}
