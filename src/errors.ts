/**
 * Every error lifeline rejects with or reports. All share {@link LifelineError}
 * and carry a literal `name`, so `err.name === 'TimeoutError'` works across
 * realms (iframes, workers) where `instanceof` does not.
 * @module
 */

/**
 * An `AbortError`: a `DOMException` where there is one, else an Error named so (React Native's
 * Hermes has no `DOMException`). Its `name` is what callers check.
 * @internal
 */
export const abortError = (message: string): Error =>
  typeof DOMException == 'function' ? new DOMException(message, 'AbortError') : Object.assign(new Error(message), { name: 'AbortError' })

/** The code of {@link OutcomeUnknownError}: "the server may or may not have run this". @internal */
export const OUTCOME_UNKNOWN = -32003

/** Base class of every lifeline error. */
export class LifelineError extends Error {
  override name: string = 'LifelineError'
}

/**
 * The peer answered a call with an error object. For "method not found"
 * (-32601), the message names the method.
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

/**
 * The rejection for an error object a peer sent in answer to a call; `method`, when given, is named
 * in the message (the client does so for "method not found").
 * @internal
 */
export const toRpcError = ({ code, message, data }: { code: number; message: string; data?: unknown }, method?: string): RpcError => {
  // lifeline-ws/server names the method itself; a server that does not gets it named here, once.
  const named = method === undefined || message.includes(method) ? message : `${message}: ${method}`
  return new RpcError(code, named, data)
}

/**
 * A call got no answer within its timeout. `method` and `timeout` say which call and how long;
 * `sent` is false when the call never left the outbox (the client was not connected).
 * @example
 * catch (err) { if (isTimeoutError(err) && !err.sent) showOffline() }
 */
export class TimeoutError extends LifelineError {
  override name = 'TimeoutError' as const
  constructor(
    message: string,
    /** The method called. */
    readonly method?: string,
    /** The timeout that ran out, ms. */
    readonly timeout?: number,
    /** False when the call was still waiting in the outbox: it never reached a socket. */
    readonly sent?: boolean,
  ) {
    super(message)
  }
}

/**
 * The socket closed while a call was in flight (and it was not safe to resend), or a frame could not be
 * written because the socket is not open and queueing is off (`queue: false`).
 */
export class ConnectionClosedError extends LifelineError {
  override name = 'ConnectionClosedError' as const
}

/**
 * A call (or a frame) whose outcome the client cannot learn: it was written, the server may or may
 * not have run it, and the server that could say which no longer knows (it lost the session: it
 * expired, or the process died without a journal), or it was running on a process that died (or
 * handed its session over at its shutdown deadline) and the resume reports it in doubt. Raised at
 * once, instead of a timeout that could only guess. `code` is -32003 in every instance, the code
 * lifeline's protocol reserves for "outcome unknown", so a server can say the same in an error
 * object. Not raised for calls made with `resend: true`: those are written again.
 * @example
 * try { await client.call('order.place', order) }
 * catch (err) { if (isOutcomeUnknownError(err)) await reconcile(order.id) }
 */
export class OutcomeUnknownError extends LifelineError {
  override name = 'OutcomeUnknownError' as const
  /** -32003, the protocol's code for "outcome unknown". */
  readonly code = OUTCOME_UNKNOWN
  constructor(
    message: string,
    /** The method called, when the frame was a call. */
    readonly method?: string,
  ) {
    super(message)
  }
}

/** The OutcomeUnknownError of a written call that will never be answered, nor can be told. @internal */
export const outcomeUnknown = (method?: string): OutcomeUnknownError =>
  new OutcomeUnknownError(`lifeline: ${method === undefined ? 'a call' : `'${method}'`} was written, not answered, and may or may not have run`, method)

/** The client was closed for good: `close()` was called or retries ran out. */
export class ClientClosedError extends LifelineError {
  override name = 'ClientClosedError' as const
}

/** The error everything rejects with, or throws, once a socket, client or sharing tab is closed for good. @internal */
export const closedError = (): ClientClosedError => new ClientClosedError('lifeline: client closed')

/** The outbox is full and its overflow policy is `'error'`. (With `queue: false` there is no outbox: see ConnectionClosedError.) */
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

/**
 * Reported as an `error` event once, after the first failed attempt of a socket or client that has never
 * opened: the server is down, the URL is wrong, or the upgrade was refused (a browser shows every refusal
 * as close 1006). Retrying goes on as the reconnect options say.
 * @example
 * client.on('error', (err) => { if (isConnectError(err)) console.warn(err.message) })
 */
export class ConnectError extends LifelineError {
  override name = 'ConnectError' as const
  constructor(
    /** The URL of the attempt ('' when a URL provider failed before one was known). */
    readonly url: string,
    /** The close code of the failed attempt. */
    readonly code: number,
    /** The close reason, or what ended the attempt (`connect timeout`). */
    readonly reason: string,
  ) {
    super(`lifeline: could not connect to ${url || 'the server'} (close ${code}${reason ? ', ' + reason : ''})`)
  }
}

/** Names of the error classes above, for the guards. */
export type LifelineErrorName =
  | 'RpcError' | 'TimeoutError' | 'ConnectionClosedError' | 'ClientClosedError' | 'QueueFullError' | 'ProtocolError' | 'ConnectError'
  | 'OutcomeUnknownError'

const is = <T extends LifelineError>(name: T['name']) => (err: unknown): err is T =>
  err instanceof Error && err.name === name

/** True for an {@link RpcError}, from any realm. */
export const isRpcError = /* @__PURE__ */ is<RpcError>('RpcError')
/** True for a {@link TimeoutError}, from any realm. */
export const isTimeoutError = /* @__PURE__ */ is<TimeoutError>('TimeoutError')
/** True for a {@link ConnectionClosedError}, from any realm. */
export const isConnectionClosedError = /* @__PURE__ */ is<ConnectionClosedError>('ConnectionClosedError')
/** True for a {@link ClientClosedError}, from any realm. */
export const isClientClosedError = /* @__PURE__ */ is<ClientClosedError>('ClientClosedError')
/** True for a {@link QueueFullError}, from any realm. */
export const isQueueFullError = /* @__PURE__ */ is<QueueFullError>('QueueFullError')
/** True for a {@link ProtocolError}, from any realm. */
export const isProtocolError = /* @__PURE__ */ is<ProtocolError>('ProtocolError')
/** True for a {@link ConnectError}, from any realm. */
export const isConnectError = /* @__PURE__ */ is<ConnectError>('ConnectError')
/** True for an {@link OutcomeUnknownError}, from any realm. */
export const isOutcomeUnknownError = /* @__PURE__ */ is<OutcomeUnknownError>('OutcomeUnknownError')
