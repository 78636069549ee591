/**
 * The close policy: which closes are worth retrying. One named table,
 * documented in docs/connection.md; `reconnect.shouldReconnect` overrides it.
 * @module
 */
import type { CloseInfo } from './options'

/**
 * Close codes lifeline gives a meaning to. Codes not listed here retry,
 * including 1000/1001 (a server restart says goodbye politely) and 1006
 * (the network dropped without a close frame).
 */
export const CloseCode = {
  /** Normal closure: lifeline's own `close()` and `reconnect()` use it. */
  Normal: 1000,
  /** The socket failed without a close frame: a network drop, a refused upgrade. Retries. */
  Abnormal: 1006,
  /** The peer saw a protocol violation: the same bytes would fail again. Final. */
  ProtocolError: 1002,
  /** The peer cannot accept this data type (text vs binary). Final. */
  UnsupportedData: 1003,
  /** The payload was not valid for its type (bad UTF-8). Final. */
  InvalidPayload: 1007,
  /** The peer's policy refuses this client. Final. */
  PolicyViolation: 1008,
  /** A message was too big for the peer. Final. */
  MessageTooBig: 1009,
  /** The client needs an extension the server did not offer. Final. */
  MandatoryExtension: 1010,
  /** The TLS handshake failed: a certificate problem does not fix itself. Final. */
  TlsHandshake: 1015,
  /** Application 4401 (like HTTP 401): the credentials were refused. Final; the socket read nothing. */
  Unauthorized: 4401,
  /** Application 4403 (like HTTP 403): this client may not connect. Final; the socket read nothing. */
  Forbidden: 4403,
} as const

/** Codes after which a retry would fail the same way: protocol and policy errors. */
/** @internal */
export const finalCodes: readonly number[] = [
  CloseCode.ProtocolError,
  CloseCode.UnsupportedData,
  CloseCode.InvalidPayload,
  CloseCode.PolicyViolation,
  CloseCode.MessageTooBig,
  CloseCode.MandatoryExtension,
  CloseCode.TlsHandshake,
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
export const refused = ({ code }: CloseInfo): boolean => code === CloseCode.Unauthorized || code === CloseCode.Forbidden
