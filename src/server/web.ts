/**
 * What `lifeline-ws/server/deno` and `lifeline-ws/server/bun` share: their
 * options (every option of `lifeline-ws/server` but `server`: they listen
 * with a port of their own or in the app's `Deno.serve`/`Bun.serve`), their
 * context (the request is a {@link WebUpgradeRequest}), the Server object
 * they return, and how `createServer` puts options, transport and core
 * together. docs/server.md, "Deno and Bun".
 * @module
 */
import type { Contract, MethodName } from '../protocol/contract'
import type { Context, MethodHandler, ServerMethod, ServerMethods } from './context'
import { createCore } from './core'
import type { ServerOptions, SharedServerOptions } from './options'
import type { ResolvedServerOptions } from './resolved-options'
import { resolveServerOptions } from './resolve-options'
import type { Transport } from './transport/transport'
import type { WebUpgradeRequest } from './transport/web-door'
import type { Server } from './types'
import { isRecord } from '../checks'
import { describe } from './values'

/**
 * Where a Deno or Bun server listens: exactly one of `port` or `noServer`.
 * @example
 * { port: 8080 }        // a Deno.serve (Bun.serve) of its own; plain HTTP requests get 426
 * { noServer: true }    // your Deno.serve (Bun.serve) hands upgrades to server.handleUpgrade()
 */
export type WebListenOptions =
  | {
      /** Listen on this port (0: the OS picks a free one) with a `Deno.serve` (`Bun.serve`) of its own. */
      port: number
      /** Interface to listen on. @default every interface (the runtime's default) */
      host?: string
      noServer?: undefined
    }
  | {
      /** Listen nowhere: your `Deno.serve` (`Bun.serve`) hands upgrades to `server.handleUpgrade()`. */
      noServer: true
      port?: undefined
      host?: undefined
    }

/**
 * Options of the Deno and Bun entries' `createServer`: where it listens, and every option of
 * `lifeline-ws/server` (the request they name is a {@link WebUpgradeRequest}).
 * @typeParam Auth - what `authenticate` returns (`ctx.auth`).
 * @typeParam C - the contract (`createServer<C>`): it types `methods`, and the contexts the hooks get.
 * @example
 * createServer({ port: 8080, methods: { add: (params) => sum(params) } })
 */
export type WebServerOptions<Auth = unknown, C extends Contract = Contract> = WebListenOptions & SharedServerOptions<Auth, C, WebUpgradeRequest>

/**
 * One connected client on Deno or Bun: `ctx.request` is a {@link WebUpgradeRequest}.
 * @typeParam C - the contract: it types `notify` and `call`.
 * @example
 * methods: { whoami: (_params, ctx: WebContext) => ({ id: ctx.id, from: ctx.request.socket.remoteAddress }) }
 */
export type WebContext<Auth = unknown, C extends Contract = Contract> = Context<Auth, C, WebUpgradeRequest>

/**
 * A method the clients may call, on Deno or Bun.
 * @example
 * const echo: WebMethodHandler = (params) => params
 */
export type WebMethodHandler<Auth = unknown, C extends Contract = Contract> = MethodHandler<Auth, C, WebUpgradeRequest>

/**
 * The handler of one contract method, on Deno or Bun.
 * @example
 * const join: WebServerMethod<ChatApi, 'room.join'> = ({ room }, ctx) => ({ members: membersOf(room) })
 */
export type WebServerMethod<C extends Contract, K extends MethodName<C>, Auth = unknown> = ServerMethod<C, K, Auth, WebUpgradeRequest>

/** The `methods` option on Deno or Bun: with a contract, exactly its methods, each typed. */
export type WebServerMethods<C extends Contract, Auth = unknown> = ServerMethods<C, Auth, WebUpgradeRequest>

/**
 * What `createServer` of `lifeline-ws/server/deno` and `/bun` returns: the Server of
 * `lifeline-ws/server` (ready, clients, stats, publish, broadcast, cluster, close), with their own
 * request type, and a port instead of `address()`; each entry adds its `handleUpgrade`.
 */
export interface WebServer<Auth = unknown, Published extends number | Promise<number> = number, C extends Contract = Contract>
  extends Omit<Server<Auth, Published, C>, 'clients' | 'handleUpgrade' | 'address'> {
  /** Every client by `ctx.id`, as on `lifeline-ws/server`. */
  readonly clients: ReadonlyMap<string, WebContext<Auth, C>>
}

/**
 * Check where a Deno or Bun server listens (the rest is `resolveServerOptions`'), find the
 * runtime's namespace, and start the core on the transport `make` builds.
 * @internal
 */
export function startWebServer<Auth, Runtime, T extends Transport<Auth> & { readonly port: number | undefined }>(
  entry: 'deno' | 'bun',
  options: WebServerOptions<Auth>,
  make: (resolved: ResolvedServerOptions<Auth>, runtime: Runtime) => T,
): { server: WebServer<Auth, number | Promise<number>>; transport: T } {
  const prefix = `lifeline-ws/server/${entry}: `
  const name = entry === 'deno' ? 'Deno' : 'Bun'
  if (!isRecord(options)) throw new TypeError(`${prefix}options must be an object, got ${describe(options)}`)
  if ('server' in options) {
    throw new TypeError(`${prefix}server is lifeline-ws/server's option (a Node http server); pass port, or noServer and call handleUpgrade from your ${name}.serve`)
  }
  // The core is typed with Node's request; this transport only ever gives it WebUpgradeRequests,
  // which every hook and method of these options expects.
  const resolved = resolveServerOptions(options as unknown as ServerOptions<Auth>)
  const runtime = (globalThis as Record<string, unknown>)[name]
  if (typeof runtime != 'object' || runtime === null) {
    throw new TypeError(`${prefix}this is not ${name} (there is no ${name} global); on Node, import lifeline-ws/server`)
  }
  const transport = make(resolved, runtime as Runtime)
  const core = createCore(resolved, transport)
  const server: WebServer<Auth, number | Promise<number>> = {
    ready: core.ready,
    get port() {
      return transport.port
    },
    clients: core.clients as ReadonlyMap<string, unknown> as ReadonlyMap<string, WebContext<Auth>>,
    get stats() {
      return core.stats
    },
    publish: core.publish,
    broadcast: core.broadcast,
    cluster: core.cluster,
    close: core.close,
  }
  return { server, transport }
}
