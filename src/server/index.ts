/**
 * `lifeline-ws/server`: a Node server for lifeline's protocol, on `ws`.
 * Node only; the browser bundles never import it. On Deno and Bun it runs
 * through their Node compatibility; `lifeline-ws/server/deno` and
 * `lifeline-ws/server/bun` are the same server on the runtime's own
 * WebSocket server.
 * @packageDocumentation
 */
export { createServer } from './server'
export type { Context, ListenOptions, MethodHandler, Server, ServerMethod, ServerMethods, ServerOptions } from './types'
export * from './exports'
