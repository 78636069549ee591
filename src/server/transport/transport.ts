/**
 * The transport seam: what the server core needs from a network and what it
 * gives back. The core (core.ts and everything under connection/, messages/,
 * sessions/, topics/) never imports `ws` or `node:http`; an adapter does.
 * transport/ws.ts is the first (Node, on `ws`). A simulated network is
 * another (one process, virtual clock: it calls `host.accept` with sockets
 * of its own); Deno's `Deno.upgradeWebSocket` and Bun's `Bun.serve({
 * websocket })` are further ones. docs/architecture.md, "The server's
 * seams", shows how each plugs in. Types only.
 * @module
 */
import type { WireFrame } from '../../protocol/protocol'
import type { UpgradeRequest } from '../context'

/** One accepted WebSocket as the core drives it: implemented by the adapter, called by the core. */
export interface TransportSocket {
  /** Write one frame: a string as a text frame, bytes as a binary one. The core calls it only while {@link TransportSocket.open}. */
  send(frame: WireFrame): void
  /** Start the closing handshake. `reason` fits a close frame (at most 123 bytes of UTF-8): the core cuts it. */
  close(code: number, reason: string): void
  /** Drop the connection now, without a closing handshake (the other end is gone, or too slow to read). */
  terminate(): void
  /** Bytes written and not yet on the wire: above `maxBufferedAmount` the core cuts a slow reader off. */
  readonly bufferedAmount: number
  /** True while frames can be written (open, and no closing handshake begun). */
  readonly open: boolean
  /**
   * The WebSocket subprotocol agreed in the handshake ('' for none): it picks the connection's dialect
   * (`lifeline.msgpack`…); absent or unknown, the server's first dialect serves it.
   */
  readonly protocol?: string
  /**
   * Send a ping control frame for the heartbeat; the other end's pong comes back as {@link SocketEvents.pong}.
   * Absent when the platform keeps connections alive by itself (Deno's `idleTimeout`): the core then
   * never pings and never reaps.
   */
  ping?(): void
}

/** What happens on an accepted socket, told by the adapter to the core, in order, until `closed`. */
export interface SocketEvents {
  /** One inbound frame: its text, or its bytes for a binary frame (a text dialect answers those as a parse error). */
  message(frame: WireFrame): void
  /** A pong control frame. */
  pong(): void
  /** The socket closed (either side, or terminated); told once, and nothing after it. */
  closed(code: number, reason: string): void
}

/**
 * An upgrade request an adapter keeps lighter than the runtime's own object: the core calls
 * `revive()` the first time `ctx.request` is read, and keeps what it returns.
 */
export interface DeferredRequest {
  revive(): UpgradeRequest
}

/** The core as a transport sees it: given to {@link Transport.start}. */
export interface TransportHost<Auth> {
  /**
   * A socket passed the door (path, limits, origin, authentication): the core serves it from now
   * on. The adapter reports the socket's events to what this returns. `request` becomes
   * `ctx.request`: the `IncomingMessage` on Node (kept as a {@link DeferredRequest} until read), a
   * `WebUpgradeRequest` on Deno and Bun.
   */
  accept(socket: TransportSocket, request: UpgradeRequest | DeferredRequest, auth: Auth): SocketEvents
  /** Count for `server.stats`: an upgrade refused at the door, or a socket that broke the WebSocket protocol. */
  count(counter: 'rejected' | 'malformed'): void
  /** Report to `onError` (a failing `authenticate`, an origin refused). */
  report(err: unknown): void
}

/**
 * A network the core runs on. The core starts it once, and at `close()` drives it: stop taking
 * connections, wait until the accepted ones are gone, cut the rest, release.
 */
export interface Transport<Auth> {
  /** Begin: sockets that pass the door go to `host.accept`. Resolves once they can arrive (listening). */
  start(host: TransportHost<Auth>): Promise<void>
  /** Refuse new connections from now on, and stop listening if the transport listens itself. */
  stop(): void
  /** Resolves once every socket the transport holds (accepted, or being refused) has closed, or after `ms`. */
  drained(ms: number): Promise<void>
  /** Cut every socket left, without a closing handshake. */
  terminate(): void
  /** Last: release what is left (idle HTTP connections, the WebSocket server, the port); the core waits for a promise. */
  close(): void | Promise<void>
}
