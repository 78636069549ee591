/**
 * The close policy: which closes are worth retrying. One table, documented in
 * docs/connection.md; `reconnect.shouldReconnect` overrides it.
 * @module
 */
import type { CloseInfo } from '../options'

/**
 * Codes after which a retry would fail the same way: protocol and policy
 * errors. Everything else retries, including 1000/1001 (server restarts say
 * goodbye politely) and 1006 (the network dropped).
 * @internal
 */
export const finalCodes = [1002, 1003, 1007, 1008, 1009, 1010, 1015]

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
export const retryable = ({ code }: CloseInfo): boolean =>
  !finalCodes.includes(code) && !(code >= 4400 && code < 4500)

/**
 * True for a close that turns the socket itself away (4401 unauthorized, 4403
 * forbidden): the server accepted the upgrade only to say so, and read none of
 * what was sent on it. The outbox puts such frames back instead of losing them.
 * @internal
 */
export const refused = ({ code }: CloseInfo): boolean => code == 4401 || code == 4403
