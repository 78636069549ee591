/**
 * The JSON-RPC error codes the gateway adds: a call that could not get the backend's answer.
 * An answer the backend gave, `{ error: { code, message, data } }`, is passed through as it is.
 * @module
 */

/** The backend could not be reached, or answered something that is not `{ result }` or `{ error }`. */
export const BackendUnavailable = -32010
/** The backend did not answer within the method's `timeout`. */
export const BackendTimeout = -32011
