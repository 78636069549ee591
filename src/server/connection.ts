/**
 * One connected client: its context (what methods see), writes with a cap
 * on what may pile up for a slow reader, and the calls the server makes to
 * the client, each with a timeout.
 * @module
 */
import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { WebSocket } from 'ws'
import { ConnectionClosedError, TimeoutError, toRpcError } from '../errors'
import { InternalError } from '../protocol/json-rpc'
import type { Message } from '../protocol/protocol'
import { closeReason } from './close-reason'
import type { Beating } from './heartbeat'
import type { Subscriber } from './topics'
import type { Context, ServerStats } from './types'
import { createWorkQueue, type WorkQueue } from './work'

/** @internal */
export interface Conn<Auth = unknown> extends Subscriber, Beating {
  readonly ctx: Context<Auth>
  /** Application requests and notifications running or waiting for a slot (flow control). */
  readonly work: WorkQueue
  /** Encode and send; a response that cannot be encoded becomes an internal error. */
  write(message: Message | Message[]): void
  /** A response or error from the client, to a call the server made. */
  settle(message: Extract<Message, { type: 'response' | 'error' }>): void
  /** The socket closed: reject the calls still waiting. */
  closed(): void
}

/** What a connection needs from its server. @internal */
export interface ConnOptions<Auth> {
  encode(message: Message | readonly Message[]): string
  stats: ServerStats
  callTimeout: number
  maxBufferedAmount: number
  maxInFlight: number
  maxQueued: number
  report(err: unknown, ctx?: Context<Auth>): void
}

interface Pending {
  resolve(value: unknown): void
  reject(err: Error): void
  timer: ReturnType<typeof setTimeout>
}

/** @internal */
export function createConn<Auth>(socket: WebSocket, request: IncomingMessage, auth: Auth, options: ConnOptions<Auth>): Conn<Auth> {
  const { encode, stats } = options
  const pending = new Map<number, Pending>()
  const topics = new Set<string>()
  let nextId = 0

  const send = (frame: string) => {
    if (socket.readyState !== socket.OPEN) return
    // A client that stopped reading would make the server buffer without bound; cut it off.
    if (socket.bufferedAmount > options.maxBufferedAmount) {
      stats.dropped++
      socket.terminate()
      return
    }
    socket.send(frame)
  }

  const encodable = (message: Message) => {
    try {
      encode(message)
      return true
    } catch {
      return false
    }
  }
  // A result that cannot be encoded (BigInt, cycle) must still answer its request.
  const answerable = (message: Message): Message => {
    if (encodable(message) || !('id' in message)) return message
    return { type: 'error', id: message.id, error: { code: InternalError, message: 'Internal error' } }
  }

  const write = (message: Message | Message[]) => {
    let frame: string
    try {
      frame = encode(message)
    } catch (err) {
      options.report(err, ctx)
      frame = encode(Array.isArray(message) ? message.map(answerable) : answerable(message))
    }
    send(frame)
  }

  const ctx: Context<Auth> = {
    id: randomUUID(),
    auth,
    request,
    topics,
    notify(event, params) {
      send(encode({ type: 'notification', method: event, params }))
    },
    call(method, params, { timeout = options.callTimeout } = {}) {
      return new Promise((resolve, reject) => {
        if (socket.readyState !== socket.OPEN) {
          reject(new ConnectionClosedError('lifeline-ws/server: client gone'))
          return
        }
        const id = ++nextId
        const frame = encode({ type: 'request', id, method, params })
        const timer = setTimeout(() => {
          pending.delete(id)
          reject(new TimeoutError(`lifeline-ws/server: ${method} timed out`))
        }, timeout)
        pending.set(id, { resolve, reject, timer })
        send(frame)
      })
    },
    close(code = 1000, reason = '') {
      socket.close(code, closeReason(reason))
    },
  }

  return {
    ctx,
    socket,
    topics,
    alive: true,
    work: createWorkQueue(options.maxInFlight, options.maxQueued),
    send,
    write,
    settle(message) {
      const call = typeof message.id == 'number' ? pending.get(message.id) : undefined
      if (!call) return
      pending.delete(message.id as number)
      clearTimeout(call.timer)
      if (message.type == 'response') call.resolve(message.result)
      else call.reject(toRpcError(message.error))
    },
    closed() {
      for (const call of pending.values()) {
        clearTimeout(call.timer)
        call.reject(new ConnectionClosedError('lifeline-ws/server: client gone'))
      }
      pending.clear()
    },
  }
}
