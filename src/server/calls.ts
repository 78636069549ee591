/**
 * Requests the server makes to one client (`ctx.call`): ids, timeouts, and
 * settling each with the client's answer. With a session, a call in flight
 * across a drop stays pending and settles when the answer comes on the
 * next socket; it fails when the session (or the plain socket) ends.
 * @module
 */
import { ConnectionClosedError, TimeoutError, toRpcError } from '../errors'
import type { Message } from '../protocol/protocol'

/** @internal */
export interface OutgoingCalls {
  /** Start a call: `write` sends its request; the promise settles with the answer. */
  start(method: string, timeout: number, write: (id: number) => void): Promise<unknown>
  /** An answer from the client; answers to unknown ids are ignored. */
  settle(message: Extract<Message, { type: 'response' | 'error' }>): void
  /** Reject every pending call with `ConnectionClosedError`. */
  fail(): void
}

interface Pending {
  resolve(value: unknown): void
  reject(err: Error): void
  timer: ReturnType<typeof setTimeout>
}

const gone = () => new ConnectionClosedError('lifeline-ws/server: client gone')

/** @internal */
export function createOutgoingCalls(): OutgoingCalls {
  const pending = new Map<number, Pending>()
  let lastId = 0

  return {
    start(method, timeout, write) {
      return new Promise((resolve, reject) => {
        lastId++
        const id = lastId
        const timer = setTimeout(() => {
          pending.delete(id)
          reject(new TimeoutError(`lifeline-ws/server: ${method} timed out`))
        }, timeout)
        pending.set(id, { resolve, reject, timer })
        try {
          write(id)
        } catch (err) {
          // The params could not be encoded: nothing was sent.
          clearTimeout(timer)
          pending.delete(id)
          reject(err as Error)
        }
      })
    },
    settle(message) {
      const id = message.id
      const call = typeof id == 'number' ? pending.get(id) : undefined
      if (!call) return
      pending.delete(id as number)
      clearTimeout(call.timer)
      if (message.type == 'response') call.resolve(message.result)
      else call.reject(toRpcError(message.error))
    },
    fail() {
      for (const call of pending.values()) {
        clearTimeout(call.timer)
        call.reject(gone())
      }
      pending.clear()
    },
  }
}

/** The error a call to a client that is gone rejects with. @internal */
export const clientGone = gone
