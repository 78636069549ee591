/**
 * Requests the server sends to the client, answered by `handle` functions.
 * @module
 */
import { isRpcError, RpcError } from '../errors'
import type { ErrorObject, Message, Protocol } from '../protocol/protocol'

type Request = Extract<Message, { type: 'request' }>

/** @internal */
export interface Handlers {
  /**
   * One function per method; a second one for the same method throws a TypeError. Returns `unhandle`,
   * which says whether it removed the function (false once it did, or after another took the method).
   */
  handle(method: string, fn: (params: unknown) => unknown): () => boolean
  /** Answer `m` with its handler's result, or an error message; never throws. */
  request(m: Request): void
}

// Anything but an RpcError answers with its message only: a stack would leak client internals to the server.
const toError = (err: unknown, internalError: number): ErrorObject =>
  isRpcError(err) ? { code: err.code, message: err.message, data: err.data } : { code: internalError, message: String((err as Error | undefined)?.message ?? err) }

/**
 * @param reply write one message back (throws when it cannot be encoded)
 * @param report what the peer cannot be told: only a reply that failed
 * @param codes the dialect's error codes for a missing handler and a throwing one
 * @internal
 */
export function createHandlers(reply: (message: Message) => void, report: (err: unknown) => void, codes: Protocol['codes']): Handlers {
  const functions = new Map<string, (params: unknown) => unknown>()

  /** Runs the handler and replies; every failure ends in an error reply or an error report, never a rejection. */
  const answer = async ({ id, method, params }: Request): Promise<void> => {
    const handler = functions.get(method)
    try {
      if (!handler) throw new RpcError(codes.methodNotFound, `Method not found: ${method}`)
      const result = await handler(params)
      try {
        reply({ type: 'response', id, result })
        return
      } catch (err) {
        // The peer still waits for an answer: tell it the result could not be sent.
        report(err)
        throw err
      }
    } catch (err) {
      try {
        reply({ type: 'error', id, error: toError(err, codes.internalError) })
      } catch (replyError) {
        report(replyError)
      }
    }
  }

  return {
    handle(method, handler) {
      if (functions.has(method)) throw new TypeError(`lifeline: ${method} already has a handler`)
      functions.set(method, handler)
      return () => functions.get(method) === handler && functions.delete(method)
    },
    request(message) {
      void answer(message)
    },
  }
}
