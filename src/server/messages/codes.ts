/**
 * The error codes `lifeline-ws/server` adds to JSON-RPC's own, and the
 * -32601 answer that names the missing method.
 * @module
 */
import { MethodNotFound } from '../../protocol/json-rpc'
import type { ErrorObject } from '../../protocol/protocol'

/** Error code: the client already has `maxInFlight` messages running and `maxQueued` waiting. */
export const TooManyRequests = -32000
/** Error code: the connection already has `maxSubscriptions` topics. */
export const TooManySubscriptions = -32001
/** Error code: `authorizeSubscribe` refused the topic. */
export const Forbidden = 403

/** Longest method name quoted back in a -32601 message: a client cannot make the server echo megabytes. */
const QUOTED_NAME = 100

/** -32601 names the method, so a typo (`room.jion`) is visible in the client's error. @internal */
export function methodNotFound(method: string): ErrorObject {
  const quoted = method.length > QUOTED_NAME ? `${method.slice(0, QUOTED_NAME)}…` : method
  return { code: MethodNotFound, message: `Method not found: ${quoted}` }
}
