/**
 * Every error lifeline rejects with or reports. All share {@link LifelineError}
 * and carry a literal `name`, so `err.name === 'TimeoutError'` works across
 * realms (iframes, workers) where `instanceof` does not.
 * @module
 */
import type { ErrorObject } from './protocol/protocol'

/** Base class of every lifeline error. */
export class LifelineError extends Error {
  override name: string = 'LifelineError'
}

/**
 * The peer answered a call with an error object.
 * @example
 * try { await client.call('room.join', { room }) }
 * catch (err) { if (isRpcError(err) && err.code === 403) showForbidden() }
 */
export class RpcError extends LifelineError {
  override name = 'RpcError' as const
  constructor(
    /** The error code, for example -32601 (method not found). */
    readonly code: number,
    message: string,
    /** The optional `data` member of the error object. */
    readonly data?: unknown,
  ) {
    super(message)
  }
}

/** The rejection for an error object a peer sent in answer to a call. @internal */
export const toRpcError = ({ code, message, data }: ErrorObject) => new RpcError(code, message, data)

/** A call got no answer within its timeout. */
export class TimeoutError extends LifelineError {
  override name = 'TimeoutError' as const
}

/** The socket closed while a call was in flight (and it was not safe to resend). */
export class ConnectionClosedError extends LifelineError {
  override name = 'ConnectionClosedError' as const
}

/** The client was closed for good: `close()` was called or retries ran out. */
export class ClientClosedError extends LifelineError {
  override name = 'ClientClosedError' as const
}

/** The outbox is full and its overflow policy is `'error'`, or queueing is off. */
export class QueueFullError extends LifelineError {
  override name = 'QueueFullError' as const
}

/** A frame that could not be decoded or encoded. `frame` holds the offending data. */
export class ProtocolError extends LifelineError {
  override name = 'ProtocolError' as const
  constructor(message: string, readonly frame?: unknown, options?: { cause?: unknown }) {
    super(message, options)
  }
}

/** Names of the error classes above, for the guards. */
export type LifelineErrorName =
  | 'RpcError' | 'TimeoutError' | 'ConnectionClosedError' | 'ClientClosedError' | 'QueueFullError' | 'ProtocolError'

const is = <T extends LifelineError>(name: T['name']) => (err: unknown): err is T =>
  err instanceof Error && err.name === name

/** True for an {@link RpcError}, from any realm. */
export const isRpcError = is<RpcError>('RpcError')
/** True for a {@link TimeoutError}, from any realm. */
export const isTimeoutError = is<TimeoutError>('TimeoutError')
/** True for a {@link ConnectionClosedError}, from any realm. */
export const isConnectionClosedError = is<ConnectionClosedError>('ConnectionClosedError')
/** True for a {@link ClientClosedError}, from any realm. */
export const isClientClosedError = is<ClientClosedError>('ClientClosedError')
/** True for a {@link QueueFullError}, from any realm. */
export const isQueueFullError = is<QueueFullError>('QueueFullError')
/** True for a {@link ProtocolError}, from any realm. */
export const isProtocolError = is<ProtocolError>('ProtocolError')
