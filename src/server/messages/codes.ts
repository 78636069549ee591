/**
 * Error codes: the protocol's table as the server answers with it (every
 * code present), the codes `lifeline-ws/server` adds, and the "method not
 * found" answer that names the missing method.
 * @module
 */
import type { ErrorObject, Protocol } from '../../protocol/protocol'

/** The dialect's error codes, each present (resolve-options.ts fills the missing ones from jsonRpcCodes). @internal */
export type Codes = Required<Protocol['codes']>

/**
 * Error code -32000 (`codes.overloaded` in jsonRpc()): the client already has `maxInFlight` messages
 * running and `maxQueued` waiting; also a subscribe whose history is unavailable for now.
 */
export { TooManyRequests } from '../../protocol/json-rpc'
/** Error code: the connection already has `maxSubscriptions` topics. */
export const TooManySubscriptions = -32001
/** Error code: `authorizeSubscribe` refused the topic. */
export const Forbidden = 403

/** Longest method name quoted back in a -32601 message: a client cannot make the server echo megabytes. */
const QUOTED_NAME = 100

/** "Method not found" names the method, so a typo (`room.jion`) is visible in the client's error. @internal */
export function methodNotFound(method: string, codes: Codes): ErrorObject {
  const quoted = method.length > QUOTED_NAME ? `${method.slice(0, QUOTED_NAME)}…` : method
  return { code: codes.methodNotFound, message: `Method not found: ${quoted}` }
}
