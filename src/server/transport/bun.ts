/**
 * The Bun adapter: `Bun.serve`'s `server.upgrade` behind the web door
 * (web-door.ts), either in a `Bun.serve` of its own (`port`) or in the app's,
 * which routes upgrades to `handleUpgrade(request, server)` and passes
 * `websocket` (the handlers and their limits) to `Bun.serve` (`noServer`).
 * Bun's socket has ping frames and `terminate()`: the core's heartbeat runs
 * as on `ws`, and Bun's own pings and idle timeout are off.
 * @module
 */
import type { WireFrame } from '../../protocol/protocol'
import type { Clock } from '../clock'
import type { ResolvedDoor, ResolvedListen } from '../resolved-options'
import { createLiveSockets } from './live-sockets'
import { NativeConnection } from './native'
import { chooseSubprotocol, offeredSubprotocols } from './subprotocol'
import type { Transport, TransportSocket } from './transport'
import { createWebDoor, refusal, type Admitted } from './web-door'

/** What lifeline uses of Bun's `ServerWebSocket`: structural, so the package needs no Bun types. */
export interface BunServerWebSocket {
  /** What `server.upgrade(request, { data })` attached. */
  readonly data: unknown
  readonly readyState: number
  send(data: string | Uint8Array): number
  close(code?: number, reason?: string): void
  terminate(): void
  ping(): void
  getBufferedAmount(): number
  /** Run `callback`, sending what it writes in one go when it returns. */
  cork(callback: () => void): unknown
}

/** What lifeline uses of the server `Bun.serve` returns (and passes to `fetch`). */
export interface BunServer {
  upgrade(request: Request, options: { data: unknown; headers?: Record<string, string> }): boolean
  requestIP(request: Request): { readonly address: string } | null
  readonly port?: number | undefined
  stop(closeActiveConnections?: boolean): unknown
}

/**
 * `Bun.serve`'s `websocket` option: the handlers that serve lifeline's sockets and their limits.
 * Give it to your `Bun.serve` with `noServer` (one `websocket` per `Bun.serve`: route every upgrade
 * of that server through `handleUpgrade`).
 */
export interface BunWebSocketHandler {
  open(ws: BunServerWebSocket): void
  message(ws: BunServerWebSocket, message: string | Uint8Array): void
  pong(ws: BunServerWebSocket): void
  close(ws: BunServerWebSocket, code: number, reason: string): void
  /** `maxPayload`: a bigger frame closes the socket with 1009. */
  readonly maxPayloadLength: number
  /** Far above `maxBufferedAmount`, so that Bun never drops a frame the core wrote (the core cuts a slow reader first). */
  readonly backpressureLimit: number
  readonly closeOnBackpressureLimit: false
  /** Off: the core's heartbeat pings and reaps (`heartbeat`). */
  readonly idleTimeout: 0
  readonly sendPings: false
  readonly perMessageDeflate: false
}

/** What lifeline uses of the `Bun` namespace. @internal */
export interface BunRuntime {
  serve(options: {
    port: number
    hostname?: string
    fetch(request: Request, server: BunServer): Response | Promise<Response | undefined> | undefined
    websocket: BunWebSocketHandler
  }): BunServer
}

/** The Bun transport, with what the Server object shows of it. @internal */
export interface BunTransport<Auth> extends Transport<Auth> {
  /**
   * Answer an upgrade of the app's `Bun.serve`: a promise of the refusal, or of undefined once
   * upgraded (what Bun's `fetch` returns then); undefined when it is not ours.
   */
  handleUpgrade(request: Request, server: BunServer): Promise<Response | undefined> | undefined
  readonly websocket: BunWebSocketHandler
  /** The port of a `Bun.serve` of its own, once listening. */
  readonly port: number | undefined
}

const OPEN = 1

/**
 * A Bun socket as the core drives it, and its connection (Bun's `ws.data`). Frames written in one
 * turn go out together, in one `ws.cork()` a microtask later: uncorked, Bun writes each frame to the
 * network on its own, and a publish to many subscribers costs a write per frame and socket
 * (docs/benchmarks.md, "Runtimes": 5x slower fan-out).
 */
class BunSocket<Auth> implements TransportSocket {
  /** Bun's socket, from its `open` event. */
  ws: BunServerWebSocket | undefined
  connection: NativeConnection<Auth> | undefined
  /** Frames written this turn, not yet handed to Bun; undefined when none. */
  private pending: WireFrame[] | undefined
  /** Their length in UTF-16 units or bytes: enough for the core's slow-reader check. */
  private pendingLength = 0

  constructor(
    /** The subprotocol agreed in the handshake ('' for none): it picks the connection's dialect. */
    readonly protocol: string,
  ) {}

  send(frame: WireFrame): void {
    if (!this.pending) {
      this.pending = []
      queueMicrotask(() => this.flush())
    }
    this.pending.push(frame)
    this.pendingLength += frame.length
  }

  /** Hand this turn's frames to Bun in one write. */
  flush(): void {
    const frames = this.pending
    const ws = this.ws
    this.pending = undefined
    this.pendingLength = 0
    if (!frames || !ws) return
    ws.cork(() => {
      for (const frame of frames) {
        // 0: Bun dropped the frame. A frame lost on a socket that stays up would break the order
        // every session relies on; cut instead, and the client resumes.
        if (ws.send(frame) === 0) {
          this.terminate()
          return
        }
      }
    })
  }

  close(code: number, reason: string): void {
    // What was written before the close goes before it.
    this.flush()
    this.ws?.close(code, reason)
  }
  terminate(): void {
    this.pending = undefined
    this.pendingLength = 0
    this.ws?.terminate()
  }
  ping(): void {
    this.ws?.ping()
  }
  get bufferedAmount(): number {
    return (this.ws?.getBufferedAmount() ?? 0) + this.pendingLength
  }
  get open(): boolean {
    return this.ws?.readyState === OPEN
  }
}

/** lifeline's socket, or undefined for one another upgrade of the same Bun.serve made. */
const socketOf = (ws: BunServerWebSocket): BunSocket<unknown> | undefined => (ws.data instanceof BunSocket ? (ws.data as BunSocket<unknown>) : undefined)

/** @internal */
export function createBunTransport<Auth>(
  options: { listen: ResolvedListen; door: ResolvedDoor<Auth>; maxBufferedAmount: number; clock: Clock },
  bun: BunRuntime,
): BunTransport<Auth> {
  const { listen, door, clock } = options
  const webDoor = createWebDoor(door, clock)
  const live = createLiveSockets<TransportSocket>(clock)
  let served: BunServer | undefined

  const websocket: BunWebSocketHandler = {
    open(ws) {
      const socket = socketOf(ws)
      if (!socket) return ws.close(1011, 'Not a lifeline socket')
      socket.ws = ws
      socket.connection?.opened()
    },
    message(ws, message) {
      socketOf(ws)?.connection?.message(typeof message == 'string' ? message : new Uint8Array(message.buffer, message.byteOffset, message.byteLength))
    },
    pong(ws) {
      socketOf(ws)?.connection?.pong()
    },
    close(ws, code, reason) {
      const connection = socketOf(ws)?.connection
      // Bun closes a socket that broke the protocol itself (an oversize frame: 1009 to the client),
      // and reports it here as 1006 with its reason ('Received too big message').
      if (code === 1006 && reason) connection?.malformed()
      connection?.closed(code, reason)
    },
    maxPayloadLength: door.maxPayload,
    backpressureLimit: Math.max(16 * 1024 * 1024, 4 * options.maxBufferedAmount),
    closeOnBackpressureLimit: false,
    idleTimeout: 0,
    sendPings: false,
    perMessageDeflate: false,
  }

  function upgrade(request: Request, server: BunServer, admitted: Admitted<Auth>): Response | undefined {
    const protocol = chooseSubprotocol(door.subprotocols, offeredSubprotocols(request))
    const socket = new BunSocket<Auth>(protocol || '')
    socket.connection = new NativeConnection(admitted, socket, live)
    const upgrade = protocol === false ? { data: socket } : { data: socket, headers: { 'Sec-WebSocket-Protocol': protocol } }
    if (server.upgrade(request, upgrade)) return undefined
    // Not a valid WebSocket handshake (a missing key, a wrong version): 400, as ws answers it.
    admitted.release()
    return refusal(400)
  }

  function handleUpgrade(request: Request, server: BunServer): Promise<Response | undefined> | undefined {
    if (!webDoor.ours(request)) return undefined
    const remoteAddress = server.requestIP(request)?.address ?? ''
    return webDoor.admit(request, remoteAddress).then((admitted) => (admitted instanceof Response ? admitted : upgrade(request, server, admitted)))
  }

  return {
    handleUpgrade,
    websocket,
    get port() {
      return served?.port
    },
    start(host) {
      webDoor.start(host)
      if (listen.port === undefined) return Promise.resolve()
      try {
        served = bun.serve({
          port: listen.port,
          ...(listen.host === undefined ? {} : { hostname: listen.host }),
          fetch: (request, server) => handleUpgrade(request, server) ?? webDoor.plain(request),
          websocket,
        })
      } catch (err) {
        return Promise.reject(err as Error)
      }
      return Promise.resolve()
    },
    stop() {
      webDoor.stop()
      // Stops listening; the sockets stay until close() lets them go.
      void served?.stop(false)
    },
    drained: live.drained,
    terminate() {
      for (const socket of live) socket.terminate()
    },
    async close() {
      await served?.stop(true)
    },
  }
}
