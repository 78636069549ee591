/**
 * The Deno adapter: `Deno.upgradeWebSocket` behind the web door
 * (web-door.ts), either in a `Deno.serve` of its own (`port`) or in the
 * app's, which hands upgrades to `handleUpgrade(request, info)` (`noServer`).
 * Deno keeps connections alive itself (`idleTimeout`, set from the
 * heartbeat's interval): the sockets have no `ping`, so the core never pings.
 * Deno's WebSocket cannot be cut without a closing handshake: `terminate`
 * starts one and tells the core at once; a peer that never answers it is
 * dropped by `idleTimeout`, or by `close()` with a port of its own.
 * @module
 */
import type { Clock } from '../clock'
import type { WireFrame } from '../../protocol/protocol'
import type { ResolvedDoor, ResolvedListen } from '../resolved-options'
import { createLiveSockets } from './live-sockets'
import { NativeConnection } from './native'
import { chooseSubprotocol, offeredSubprotocols } from './subprotocol'
import type { Transport, TransportSocket } from './transport'
import { createWebDoor, refusal, type Admitted } from './web-door'

/** What lifeline reads of `Deno.serve`'s second handler argument (`Deno.ServeHandlerInfo`). */
export interface DenoServeInfo {
  readonly remoteAddr: { readonly hostname?: string }
}

/** What lifeline uses of Deno's server-side WebSocket. @internal */
interface DenoWebSocket {
  readonly readyState: number
  readonly bufferedAmount: number
  /** 'blob' by default, as in a browser: set to 'arraybuffer', so bytes arrive as they can be decoded at once. */
  binaryType: 'blob' | 'arraybuffer'
  send(data: string | Uint8Array): void
  close(code?: number, reason?: string): void
  onopen: (() => void) | null
  onmessage: ((event: { readonly data: unknown }) => void) | null
  onclose: ((event: { readonly code: number; readonly reason: string }) => void) | null
  onerror: (() => void) | null
}

/** What lifeline uses of the `Deno` namespace: structural, so the package needs no Deno types. @internal */
export interface DenoRuntime {
  serve(
    options: { port: number; hostname?: string; onListen?: () => void },
    handler: (request: Request, info: DenoServeInfo) => Response | Promise<Response>,
  ): { readonly addr: { readonly port?: number }; shutdown(): Promise<void> }
  upgradeWebSocket(request: Request, options: { idleTimeout: number; protocol?: string }): { socket: DenoWebSocket; response: Response }
}

/** The Deno transport, with what the Server object shows of it. @internal */
export interface DenoTransport<Auth> extends Transport<Auth> {
  /** Answer an upgrade of the app's `Deno.serve`; undefined when it is not ours (another path, not a WebSocket upgrade). */
  handleUpgrade(request: Request, info: DenoServeInfo): Promise<Response> | undefined
  /** The port of a `Deno.serve` of its own, once listening. */
  readonly port: number | undefined
}

const OPEN = 1

/** A Deno WebSocket as the core drives it. */
class DenoSocket<Auth> implements TransportSocket {
  connection: NativeConnection<Auth> | undefined
  constructor(
    private readonly ws: DenoWebSocket,
    /** The subprotocol agreed in the handshake ('' for none): it picks the connection's dialect. */
    readonly protocol: string,
  ) {}
  send(frame: WireFrame): void {
    this.ws.send(frame)
  }
  close(code: number, reason: string): void {
    this.ws.close(code, reason)
  }
  terminate(): void {
    // Deno has no way to drop a socket without a closing handshake: start one (1001 retries), and
    // tell the core now, as a dropped socket's 1006.
    if (this.ws.readyState === OPEN) this.ws.close(1001, 'Going away')
    this.connection?.closed(1006, '')
  }
  get bufferedAmount(): number {
    return this.ws.bufferedAmount
  }
  get open(): boolean {
    return this.ws.readyState === OPEN
  }
}

/** Bytes of a frame, counted only when it might be over `max` (a string's UTF-8 is at most 3 bytes a unit). */
function tooBig(data: unknown, max: number): boolean {
  if (typeof data == 'string') return data.length > max / 3 && new TextEncoder().encode(data).length > max
  const { byteLength, size } = data as { byteLength?: number; size?: number }
  return (byteLength ?? size ?? 0) > max
}

/** @internal */
export function createDenoTransport<Auth>(
  options: { listen: ResolvedListen; door: ResolvedDoor<Auth>; heartbeat: number | false; clock: Clock },
  deno: DenoRuntime,
): DenoTransport<Auth> {
  const { listen, door, clock } = options
  const webDoor = createWebDoor(door, clock)
  const live = createLiveSockets<TransportSocket>(clock)
  // Seconds Deno waits for a pong to the ping it sends after as long without traffic; 0: never.
  const idleTimeout = options.heartbeat === false ? 0 : Math.ceil(options.heartbeat / 1000)
  let served: ReturnType<DenoRuntime['serve']> | undefined

  function serve(ws: DenoWebSocket, connection: NativeConnection<Auth>) {
    // A Blob could be read only later, after frames that came behind it: bytes must come as an ArrayBuffer.
    ws.binaryType = 'arraybuffer'
    ws.onopen = () => connection.opened()
    ws.onmessage = ({ data }) => {
      // Deno has no maxPayload of its own: a bigger frame is refused here, as ws would (1009).
      if (tooBig(data, door.maxPayload)) {
        connection.malformed()
        ws.close(1009, 'Message too big')
        return
      }
      // Bytes as an ArrayBuffer (the binaryType set above); anything else is answered as a parse error.
      if (typeof data == 'string') connection.message(data)
      else connection.message(data instanceof ArrayBuffer ? new Uint8Array(data) : undefined)
    }
    ws.onclose = ({ code, reason }) => connection.closed(code, reason)
    // Deno reports a broken connection here, then closes it: the close tells the core.
    ws.onerror = () => {}
  }

  function handleUpgrade(request: Request, info: DenoServeInfo): Promise<Response> | undefined {
    if (!webDoor.ours(request)) return undefined
    // Read now: Deno closes the handler's info once the handler awaits.
    const remoteAddress = info.remoteAddr.hostname ?? ''
    return webDoor.admit(request, remoteAddress).then((admitted) => (admitted instanceof Response ? admitted : upgrade(request, admitted)))
  }

  function upgrade(request: Request, admitted: Admitted<Auth>): Response {
    let upgraded
    const protocol = chooseSubprotocol(door.subprotocols, offeredSubprotocols(request))
    try {
      upgraded = deno.upgradeWebSocket(request, protocol === false ? { idleTimeout } : { idleTimeout, protocol })
    } catch {
      // Not a valid WebSocket handshake (a missing key, a wrong version): 400, as ws answers it.
      admitted.release()
      return refusal(400)
    }
    const socket = new DenoSocket<Auth>(upgraded.socket, protocol || '')
    const connection = new NativeConnection(admitted, socket, live)
    socket.connection = connection
    serve(upgraded.socket, connection)
    return upgraded.response
  }

  return {
    handleUpgrade,
    get port() {
      return served?.addr.port
    },
    start(host) {
      webDoor.start(host)
      if (listen.port === undefined) return Promise.resolve()
      try {
        served = deno.serve({ port: listen.port, ...(listen.host === undefined ? {} : { hostname: listen.host }), onListen() {} }, (request, info) =>
          handleUpgrade(request, info) ?? webDoor.plain(request),
        )
      } catch (err) {
        return Promise.reject(err as Error)
      }
      return Promise.resolve()
    },
    stop() {
      // Deno cannot stop listening without closing every socket (shutdown() does both): until
      // close(), new upgrades are answered 503.
      webDoor.stop()
    },
    drained: live.drained,
    terminate() {
      for (const socket of live) socket.terminate()
    },
    async close() {
      await served?.shutdown()
    },
  }
}
