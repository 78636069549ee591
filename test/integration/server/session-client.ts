// A minimal client of the session convention (docs/protocol.md, "Sessions"), written from the
// text and nothing else, so the tests pin the wire format: rpc.session on every open, tracked
// frames counted both ways, held until acknowledged, resent after a resume.
import WebSocket from 'ws'
import { first } from './helpers'

type Json = Record<string, unknown>
export interface Answer {
  id: string
  resumed: boolean
  received: number
  limits: { maxInFlight: number; maxQueued: number }
}

const CONTROL = new Set(['rpc.session', 'rpc.ping', 'rpc.ack', 'rpc.subscribe', 'rpc.unsubscribe', 'rpc.publish'])

export interface SessionClient {
  /** The session id, once a handshake answered. */
  readonly id: string | null
  /** Tracked server frames received in this session. */
  readonly received: number
  /** Tracked frames this client sent (their positions are 1..sent). */
  readonly sent: number
  /** Tracked frames not acknowledged by the server yet. */
  readonly held: readonly { position: number; text: string }[]
  /** Tracked server frames, parsed, in the order they arrived (across sockets). */
  readonly tracked: (Json | Json[])[]
  /** Every raw text frame of the current socket, in order, from its first. */
  readonly raw: string[]
  /** The `received` of each rpc.ack the server sent. */
  readonly acks: number[]
  readonly socket: WebSocket | undefined
  /**
   * Open a socket and run the handshake; `received: null` as after a page reload. `address`: another
   * server to move to (its process took over the session); later opens go there too.
   * `beforeHandshake`: runs once the socket is open, before rpc.session is sent.
   */
  open(options?: { received?: number | null; id?: string | null; address?: string; beforeHandshake?: () => void }): Promise<Answer>
  /** Send one tracked frame (held until acknowledged; written only while a session is open). */
  send(message: Json | Json[]): number
  /** Send a control message (not counted). */
  control(message: Json): void
  /** Acknowledge every tracked frame received so far. */
  ack(): void
  /** Cut the socket without a closing handshake. */
  drop(): void
  /** Wait for the close of the current socket. */
  closed(): Promise<{ code: number; reason: string }>
}

let controlIds = 0

export function sessionClient(address: string): SessionClient {
  let target = address
  let socket: WebSocket | undefined
  let id: string | null = null
  let received = 0
  let sent = 0
  let held: { position: number; text: string }[] = []
  let answered = false
  let closing: Promise<{ code: number; reason: string }> = Promise.resolve({ code: 0, reason: '' })
  const tracked: (Json | Json[])[] = []
  const raw: string[] = []
  const acks: number[] = []
  const controlRequests = new Set<unknown>()
  first(() => socket?.terminate())

  const isControl = (message: Json) =>
    typeof message.method == 'string' ? CONTROL.has(message.method) : controlRequests.has(message.id)

  const onFrame = (text: string) => {
    raw.push(text)
    const parsed = JSON.parse(text) as Json | Json[]
    const messages = Array.isArray(parsed) ? parsed : [parsed]
    // Positions count from the handshake answer on; the server writes nothing tracked before it.
    if (!answered) return
    if (!messages.every(isControl)) {
      received++
      tracked.push(parsed)
      return
    }
    for (const message of messages) {
      if (message.method === 'rpc.ack') {
        const count = (message.params as { received: number }).received
        acks.push(count)
        held = held.filter((frame) => frame.position > count)
      }
    }
  }

  const client: SessionClient = {
    get id() {
      return id
    },
    get received() {
      return received
    },
    get sent() {
      return sent
    },
    get held() {
      return held
    },
    tracked,
    raw,
    acks,
    get socket() {
      return socket
    },
    async open(options = {}) {
      socket?.terminate()
      raw.length = 0
      answered = false
      if (options.address !== undefined) target = options.address
      const next = new WebSocket(target)
      socket = next
      closing = new Promise((resolve) => next.on('close', (code, reason) => resolve({ code, reason: String(reason) })))
      next.on('error', () => {})
      const requestId = ++controlIds
      controlRequests.add(requestId)
      const answer = new Promise<Answer>((resolve, reject) => {
        next.on('message', (data) => {
          const text = String(data)
          const parsed = JSON.parse(text) as Json
          if (!answered && parsed.id === requestId) {
            if (parsed.error) reject(new Error(JSON.stringify(parsed.error)))
            raw.push(text)
            answered = true
            resolve(parsed.result as Answer)
            return
          }
          onFrame(text)
        })
        next.on('close', () => reject(new Error('closed before the answer')))
      })
      answer.catch(() => {})
      await new Promise<void>((resolve, reject) => {
        next.on('open', () => resolve())
        next.on('close', () => reject(new Error('closed before open')))
      })
      options.beforeHandshake?.()
      const claim = options.received === undefined ? received : options.received
      next.send(JSON.stringify({ jsonrpc: '2.0', id: requestId, method: 'rpc.session', params: { id: options.id === undefined ? id : options.id, received: claim } }))
      const result = await answer
      if (!result.resumed) {
        // A new session: both sides count from 0, and what was held is written again from 1.
        received = 0
        sent = 0
        const texts = held.map((frame) => frame.text)
        held = []
        id = result.id
        for (const text of texts) client.send(JSON.parse(text) as Json)
        return result
      }
      id = result.id
      if (claim === null) received = 0
      held = held.filter((frame) => frame.position > result.received)
      for (const frame of held) next.send(frame.text)
      return result
    },
    send(message) {
      sent++
      const text = JSON.stringify(message)
      held.push({ position: sent, text })
      if (answered && socket?.readyState === WebSocket.OPEN) socket.send(text)
      return sent
    },
    control(message) {
      if (message.id !== undefined) controlRequests.add(message.id)
      socket?.send(JSON.stringify(message))
    },
    ack() {
      client.control({ jsonrpc: '2.0', method: 'rpc.ack', params: { received } })
    },
    drop() {
      socket?.terminate()
      answered = false
    },
    closed: () => closing,
  }
  return client
}
