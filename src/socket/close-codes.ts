/**
 * The close policy: which closes are worth retrying. One named table,
 * documented in docs/connection.md; `reconnect.shouldReconnect` overrides it.
 * @module
 */
import type { CloseInfo } from './options'

// Close codes lifeline gives a meaning to, one name each (RFC 6455 section 7.4.1, and lifeline's
// 4400-4499 convention). Codes not named here retry, including 1001 (a server restart says goodbye
// politely) and 1011/1012/1013 (server trouble that passes).

/** Normal closure: lifeline's own `close()` and `reconnect()` use it. Retries when the server sends it. @internal */
export const NORMAL = 1000
/** The socket failed without a close frame: a network drop, a refused upgrade. Retries. @internal */
export const ABNORMAL = 1006
/** The peer saw a protocol violation: the same bytes would fail again. Final. @internal */
export const PROTOCOL_ERROR = 1002
/** The peer cannot accept this data type (text vs binary). Final. @internal */
export const UNSUPPORTED_DATA = 1003
/** The payload was not valid for its type (bad UTF-8). Final. @internal */
export const INVALID_PAYLOAD = 1007
/** The peer's policy refuses this client. Final. @internal */
export const POLICY_VIOLATION = 1008
/** A message was too big for the peer. Final. @internal */
export const MESSAGE_TOO_BIG = 1009
/** The client needs an extension the server did not offer. Final. @internal */
export const MANDATORY_EXTENSION = 1010
/** The TLS handshake failed: a certificate problem does not fix itself. Final. @internal */
export const TLS_HANDSHAKE = 1015
/** Application code like HTTP 401: the credentials were refused. Final; the server read nothing on the socket. @internal */
export const UNAUTHORIZED = 4401
/** Application code like HTTP 403: this client may not connect. Final; the server read nothing on the socket. @internal */
export const FORBIDDEN = 4403

/** Codes after which a retry would fail the same way: protocol and policy errors. @internal */
export const finalCodes: readonly number[] = [
  PROTOCOL_ERROR,
  UNSUPPORTED_DATA,
  INVALID_PAYLOAD,
  POLICY_VIOLATION,
  MESSAGE_TOO_BIG,
  MANDATORY_EXTENSION,
  TLS_HANDSHAKE,
]

/**
 * True when a socket that closed with `close` should be retried. The
 * application range 4400–4499 mirrors HTTP 4xx (4401 unauthorized, 4403
 * forbidden) and never retries, so a rejected token does not loop forever.
 * @example
 * retryable({ code: 1006, reason: '', wasClean: false }) // true
 * retryable({ code: 4401, reason: 'token expired', wasClean: true }) // false
 * // Keep the table, but give an expired token a few retries:
 * createClient(url, { reconnect: { shouldReconnect: (c, n) => (c.code === 4401 ? n < 3 : retryable(c)) } })
 */
export const retryable = ({ code }: CloseInfo): boolean => !finalCodes.includes(code) && !(code >= 4400 && code < 4500)

/**
 * True for a close that turns the socket itself away (4401 unauthorized, 4403
 * forbidden): the server accepted the upgrade only to say so, and read none of
 * what was sent on it. The outbox puts such frames back instead of losing them.
 * @internal
 */
export const refused = ({ code }: CloseInfo): boolean => code === UNAUTHORIZED || code === FORBIDDEN
