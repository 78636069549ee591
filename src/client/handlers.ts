/**
 * Requests the server sends to the client, answered by `handle` functions.
 * @module
 */
import { isRpcError, RpcError } from '../errors'
import type { ErrorObject, Message, Protocol } from '../protocol/protocol'

type Request = Extract<Message, { type: 'request' }>

/** @internal */
export interface Handlers {
  /** One function per method; a second one for the same method throws a TypeError. Returns `unhandle`. */
  handle(method: string, fn: (params: unknown) => unknown): () => void
  /** Answer `m` with its handler's result, or an error message; never throws. */
  request(m: Request): void
}

// Anything but an RpcError answers with its message only: a stack would leak client internals to the server.
const toError = (err: unknown, internalError: number): ErrorObject =>
  isRpcError(err) ? { code: err.code, message: err.message, data: err.data } : { code: internalError, message: String((err as Error | undefined)?.message ?? err) }

/**
 * @param reply write one message back (throws when it cannot be encoded)
 * @param error report what the peer cannot be told: only a reply that failed
 * @param codes the dialect's error codes for a missing handler and a throwing one
 * @internal
 */
export function createHandlers(reply: (message: Message) => void, error: (err: unknown) => void, codes: Protocol['codes']): Handlers {
  const fns = new Map<string, (params: unknown) => unknown>()
  return {
    handle(method, fn) {
      if (fns.has(method)) throw new TypeError(`lifeline: ${method} already has a handler`)
      fns.set(method, fn)
      return () => {
        if (fns.get(method) == fn) fns.delete(method)
      }
    },
    async request({ id, method, params }) {
      const fn = fns.get(method)
      try {
        if (!fn) throw new RpcError(codes.methodNotFound, `Method not found: ${method}`)
        const result = await fn(params)
        try {
          return reply({ type: 'response', id, result })
        } catch (err) {
          // The peer still waits for an answer: tell it the result could not be sent.
          error(err)
          throw err
        }
      } catch (err) {
        try {
          reply({ type: 'error', id, error: toError(err, codes.internalError) })
        } catch (err) {
          error(err)
        }
      }
    },
  }
}
