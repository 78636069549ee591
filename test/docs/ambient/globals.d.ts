// The free names of the doc blocks marked `snippet`: what the text around a
// snippet has already introduced (a client, a server, the app's own
// functions). Snippets are type-checked with these in scope, so a snippet
// that misuses the API still fails; a new free name must be added here,
// with the narrowest type that fits the docs.
import type { Client, Id as LifelineId, Protocol } from 'lifeline-ws'
import type { Context, MethodHandler, Server } from 'lifeline-ws/server'
import type { Server as HttpServer } from 'node:http'
import type { WebSocketServer } from 'ws'

declare global {
  /** The chat contract of README.md and getting-started.md. */
  interface ChatApi {
    methods: { 'room.join': (p: { room: string }) => { members: string[] }; typing: (p: { room: string }) => void }
    events: { typing: { user: string } }
    topics: { [room: `room:${string}`]: { from: string; text: string } }
  }
  interface Price {
    symbol: string
    price: number
  }
  /** Everything the snippets call on `client`, across the guides. */
  interface DocsApi {
    methods: {
      'room.join': (p: { room: string }) => { members: string[] }
      typing: (p: { room: string }) => void
      search: (p: { q: string }) => string[]
      'user.get': (p: { id: string }) => { name: string }
      echo: (p: Record<string, never>) => Record<string, never>
      say: (p: { room: string; text: string }) => void
    }
    events: { typing: { user: string } }
    topics: { [room: `room:${string}`]: { from: string; text: string }; prices: Price }
    handlers: { 'client.version': () => string; confirm: (p: { text: string }) => boolean | Promise<boolean> }
  }
  type Id = LifelineId
  /** The socket options a dialect may set (docs/protocol.md, "Writing a dialect"). */
  type DialectSocketOptions = import('lifeline-ws').DialectSocketOptions

  var client: Client<DocsApi>
  var createClient: typeof import('lifeline-ws').createClient
  var localStorageOutbox: typeof import('lifeline-ws').localStorageOutbox
  var RpcError: typeof import('lifeline-ws').RpcError
  var url: string
  var dialect: Protocol
  var server: Server
  var ctx: Context
  var methods: Record<string, MethodHandler>
  var http: HttpServer
  var otherWebSocketServer: WebSocketServer
  var createServer: typeof import('lifeline-ws/server').createServer
  var rooms: Map<string, { members(): Promise<string[]> }>
  // What the Deno and Bun examples use of their runtimes (the docs are checked in Node).
  var Deno: {
    serve(options: { port: number }, handler: (request: Request, info: import('lifeline-ws/server/deno').DenoServeInfo) => Response | Promise<Response>): unknown
    addSignalListener(signal: 'SIGTERM', handler: () => void): void
  }
  var Bun: {
    serve(options: {
      port: number
      fetch(request: Request, server: import('lifeline-ws/server/bun').BunServer): Response | undefined | Promise<Response | undefined>
      websocket: import('lifeline-ws/server/bun').BunWebSocketHandler
    }): unknown
  }

  // The app's own code that the snippets call.
  var auth: { getToken(): Promise<string>; currentToken(): string; logout(): void }
  var getToken: () => string
  var tokenUrl: () => Promise<string>
  var badge: HTMLElement
  var detail: HTMLElement
  var queue: HTMLElement
  var showTyping: (user: string) => void
  var render: (message: { from: string; text: string }) => void
  var reloadRoom: () => void
  var draw: (price: Price) => void
  var done: boolean
  var showForbidden: (data: unknown) => void
  var retryLater: () => void
  var ask: (question: string) => Promise<boolean>
  var q: string
  var id: string
  var x: number
  var y: number
  var droppedCount: number
  var handle: (message: unknown) => void
  var useState: typeof import('react').useState
  var useEffect: typeof import('react').useEffect

  // The other libraries of migrating.md's "before" halves, as far as the docs use them.
  var ReconnectingWebSocket: new (url: string, protocols?: string[], options?: { maxEnqueuedMessages?: number }) => WebSocket
  var io: {
    on(event: 'connection', listener: (socket: SocketIoSocket) => void): void
    to(room: string): { emit(event: string, data: unknown): void }
  }
  interface SocketIoSocket {
    on(event: string, listener: (data: { room: string; text: string }, ack: (reply: unknown) => void) => void): void
    join(room: string): void
  }
}
