/**
 * Requests the server makes to one client (`ctx.call`): ids, timeouts, and
 * settling each with the client's answer. With a session, a call in flight
 * across a drop stays pending and settles when the answer comes on the
 * next socket; it fails when the session (or the plain socket) ends.
 *
 * Ids never repeat for a client, not even across servers: a session outlives
 * its server (a graceful restart hands it to the next one, a crash to a new
 * process), the calls of the old server fail, and the client may still send
 * their answers (held in its outbox, written again after the resume). Were
 * ids counted from 1 again, such a late answer would settle the new server's
 * call that happens to get the same number, with the wrong result (the
 * chaos suite caught exactly that). So every set of calls numbers its own
 * calls under a random prefix: `"7f3a9c01.1"`, `"7f3a9c01.2"`, and a late
 * answer matches no id of the new server and is ignored.
 * @module
 */
import { randomUUID } from 'node:crypto'
import { ConnectionClosedError, TimeoutError, toRpcError } from '../../errors'
import type { Message } from '../../protocol/protocol'
import type { Clock } from '../clock'

/** @internal */
export interface OutgoingCalls {
  /** Start a call: `write` sends its request; the promise settles with the answer. */
  start(method: string, timeout: number, write: (id: string) => void): Promise<unknown>
  /** An answer from the client; answers to unknown ids are ignored. */
  settle(message: Extract<Message, { type: 'response' | 'error' }>): void
  /** Reject every pending call with `ConnectionClosedError`. */
  fail(): void
}

interface Pending {
  resolve(value: unknown): void
  reject(err: Error): void
  timer: unknown
}

const gone = () => new ConnectionClosedError('lifeline-ws/server: client gone')

/** @internal */
export function createOutgoingCalls(clock: Clock): OutgoingCalls {
  const pending = new Map<string, Pending>()
  const prefix = randomUUID().slice(0, 8)
  let lastId = 0

  return {
    start(method, timeout, write) {
      return new Promise((resolve, reject) => {
        lastId++
        const id = `${prefix}.${lastId}`
        const timer = clock.setTimeout(() => {
          pending.delete(id)
          reject(new TimeoutError(`lifeline-ws/server: ${method} timed out`))
        }, timeout)
        pending.set(id, { resolve, reject, timer })
        try {
          write(id)
        } catch (err) {
          // The params could not be encoded: nothing was sent.
          clock.clearTimeout(timer)
          pending.delete(id)
          reject(err as Error)
        }
      })
    },
    settle(message) {
      const id = message.id
      const call = typeof id == 'string' ? pending.get(id) : undefined
      if (!call) return
      pending.delete(id as string)
      clock.clearTimeout(call.timer)
      if (message.type == 'response') call.resolve(message.result)
      else call.reject(toRpcError(message.error))
    },
    fail() {
      for (const call of pending.values()) {
        clock.clearTimeout(call.timer)
        call.reject(gone())
      }
      pending.clear()
    },
  }
}

/** The error a call to a client that is gone rejects with. @internal */
export const clientGone = gone
