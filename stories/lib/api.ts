/**
 * The demo server's API (demo/server.mjs) as a lifeline contract, so every
 * story's calls, events and topics are type-checked.
 * @internal
 */

/** A chat message as the server stores and publishes it. */
export interface ChatMessage {
  /** Chosen by the sender, so an optimistic copy can be matched with the echo. */
  id: string
  room: string
  user: string
  text: string
  /** Server time (ms) when it arrived. */
  at: number
}

/** One pointer on the shared canvas; x and y are 0..1 of the canvas size. */
export interface Cursor {
  id: string
  name: string
  color: string
  x: number
  y: number
}

/** One point of the ticker topic. `t` counts ticks, so a missing point shows as a jump. */
export interface Tick {
  t: number
  at: number
  value: number
}

export interface DemoApi {
  methods: {
    'chat.join': (p: { room: string; user: string }) => { messages: ChatMessage[]; members: string[] }
    'chat.leave': (p: { room: string }) => null
    /**
     * Posts a message; the reply is the delivery receipt (also echoed on the room's topic).
     * Idempotent by `id`: a repeat returns the stored message's receipt.
     */
    'chat.send': (p: { id: string; room: string; user: string; text: string }) => { id: string; at: number }
    'chat.typing': (p: { room: string; user: string }) => null
    'cursor.join': (p: { name: string; color: string; bots: number }) => { id: string }
    'cursor.move': (p: { x: number; y: number }) => null
    echo: (p: unknown) => unknown
    slow: (p: { ms: number; value?: unknown }) => { waited: number; value?: unknown }
    fail: (p: { code: number; message?: string; data?: unknown }) => never
    'lab.ping': (p: { n: number }) => null
  }
  events: {
    typing: { room: string; user: string }
    cursor: Cursor
    'cursor.gone': { id: string }
  }
  topics: {
    [room: `chat:${string}`]: ChatMessage
    [room: `presence:${string}`]: string[]
    ticker: Tick
  }
}
