// A raw `ws` peer that speaks the MessagePack dialect (lifeline.msgpack): messages in, messages out, for
// the server's integration tests over msgpack. It offers the subprotocols it is given.
import WebSocket from 'ws'
import { msgpack } from '../../../src/protocol/msgpack'
import type { Message } from '../../../src/protocol/protocol'
import { cleanup } from './helpers'

const dialect = msgpack()

export interface MsgpackPeer {
  socket: WebSocket
  /** Every frame received, decoded (a frame that does not decode fails the test when taken). */
  next(ms?: number): Promise<Message[]>
  /** Send one message or batch, encoded. */
  send(message: Message | Message[]): void
  /** Send a request and wait for the message that answers it (other messages stay queued). */
  call(method: string, params?: unknown, id?: number): Promise<Message>
  /** Wait for the next notification of `method` (others stay queued). */
  notification(method: string): Promise<Extract<Message, { type: 'notification' }>>
  readonly pending: Message[]
  closed: Promise<{ code: number; reason: string }>
}

let ids = 5000

/** Opens a peer offering `protocols` (lifeline.msgpack by default) and waits until it is open. */
export async function openMsgpack(address: string, protocols: string[] = ['lifeline.msgpack']): Promise<MsgpackPeer> {
  const socket = new WebSocket(address, protocols)
  cleanup(() => socket.terminate())
  socket.on('error', () => {})
  const queue: Message[] = []
  const waiters: (() => void)[] = []
  socket.on('message', (data: Buffer, isBinary) => {
    if (!isBinary) throw new Error(`a text frame on a MessagePack connection: ${String(data)}`)
    // What a server writes: messages only (an invalid member is something it reads, never writes).
    queue.push(...(dialect.decode(data) as Message[]))
    for (const waiter of waiters.splice(0)) waiter()
  })
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: String(reason) })))
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve())
    socket.once('close', () => reject(new Error('closed before open')))
  })
  /** The first queued message `match` takes, waiting for more until it comes. */
  const take = async (match: (message: Message) => boolean, ms = 5000): Promise<Message> => {
    const deadline = Date.now() + ms
    for (;;) {
      const index = queue.findIndex(match)
      if (index >= 0) return queue.splice(index, 1)[0]!
      if (Date.now() > deadline) throw new Error('msgpack peer: no such message in time')
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms)
        waiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
  }
  const send = (message: Message | Message[]) => socket.send(dialect.encode(message))
  return {
    socket,
    pending: queue,
    closed,
    send,
    async next(ms = 5000) {
      return [await take(() => true, ms)]
    },
    call(method, params, id = ++ids) {
      send({ type: 'request', id, method, params })
      return take((message) => (message.type === 'response' || message.type === 'error') && message.id === id)
    },
    notification: (method) =>
      take((message) => message.type === 'notification' && message.method === method) as Promise<Extract<Message, { type: 'notification' }>>,
  }
}
