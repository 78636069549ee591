/**
 * Client options: the socket's, plus what RPC needs. Defaults are filled in
 * by the socket's resolveOptions and here; development builds validate them
 * (socket/validate.ts).
 * @module
 */
import { jsonRpc } from '../protocol/json-rpc'
import type { Protocol } from '../protocol/protocol'
import type { SocketOptions } from '../socket/options'
import { kind, number, socketRules, type Rules } from '../socket/validate'

/**
 * Options of {@link createClient}: every option of `createSocket`, plus the protocol and call defaults.
 * @example
 * createClient('wss://chat.example.com/ws', { heartbeat: { interval: 15000 }, queue: { ttl: 60000 } })
 */
export interface ClientOptions extends SocketOptions {
  /** Default timeout of `call`, ms. @default 30000 */
  callTimeout?: number
  /**
   * The wire format. `false` makes the client a raw socket (no call/notify/listen/subscribe/handle):
   * prefer `createSocket` from `lifeline-ws/socket`, which is that and weighs half. @default jsonRpc()
   */
  protocol?: Protocol | false
}

/** The client's own options, resolved. @internal */
export interface ResolvedClient {
  callTimeout: number
  protocol: Protocol | undefined
}

/** @internal */
export const resolveClientOptions = (options: ClientOptions): ResolvedClient => ({
  callTimeout: options.callTimeout ?? 30000,
  protocol: options.protocol === false ? undefined : (options.protocol ?? jsonRpc()),
})

/** Every option of `createClient`, for development-build validation. @internal */
export const clientRules = (): Rules<ClientOptions> => ({
  ...socketRules(),
  callTimeout: number(1, true),
  protocol: (value, name) => (value === false ? undefined : kind('object')(value, name)),
})
