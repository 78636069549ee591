/**
 * The `ws` adapter, the first {@link Transport}: one `ws` server in
 * `noServer` mode behind every way of listening (an http server of its own,
 * the app's http or https server, or upgrades handed to `handleUpgrade`),
 * so all take the same path: the door (path, connections per address,
 * handshake deadline, origin), `authenticate`, then the WebSocket handshake,
 * and the accepted socket goes to the core as a {@link TransportSocket}.
 * @module
 */
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type RawData, type WebSocket } from 'ws'
import type { Clock } from '../clock'
import type { ResolvedDoor, ResolvedListen } from '../resolved-options'
import { closeReason } from '../values'
import { createUpgradeGuard } from './door'
import { HeaderStrings, KeptRequest } from './kept-request'
import { createLiveSockets } from './live-sockets'
import { createOriginGate } from './origins'
import { chooseSubprotocol } from './subprotocol'
import type { WireFrame } from '../../protocol/protocol'
import type { SocketEvents, Transport, TransportHost, TransportSocket } from './transport'
import { authenticate, pathMatches, refuse, refusedOverHttp, type Verdict } from './upgrade'

const noop = () => {}

/** The `ws` transport, with what `lifeline-ws/server`'s Server object shows of it. @internal */
export interface WsTransport<Auth> extends Transport<Auth> {
  /** Hand over an HTTP upgrade; false (the socket left alone) when its path is not ours. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean
  /** The listening address (`net.Server#address()`), or null. */
  address(): AddressInfo | string | null
}

/**
 * A `ws` socket as the core drives it. A class, so that an idle connection costs one small object
 * (its methods live on the prototype) rather than a closure per method.
 * @internal
 */
export class WsSocket implements TransportSocket {
  constructor(private readonly ws: WebSocket) {}
  send(frame: WireFrame): void {
    this.ws.send(frame)
  }
  close(code: number, reason: string): void {
    this.ws.close(code, reason)
  }
  terminate(): void {
    this.ws.terminate()
  }
  ping(): void {
    this.ws.ping()
  }
  get bufferedAmount(): number {
    return this.ws.bufferedAmount
  }
  get open(): boolean {
    return this.ws.readyState === this.ws.OPEN
  }
  get protocol(): string {
    return this.ws.protocol
  }
}

/** @internal */
export function createWsTransport<Auth>(options: { listen: ResolvedListen; door: ResolvedDoor<Auth>; clock: Clock }): WsTransport<Auth> {
  const { listen, door, clock } = options
  const wss = new WebSocketServer({
    noServer: true, maxPayload: door.maxPayload, clientTracking: false, perMessageDeflate: false,
    handleProtocols: (offered) => chooseSubprotocol(door.subprotocols, offered),
  })
  const own = listen.port !== undefined
  const http: HttpServer | undefined = own
    ? createHttpServer((_req, res) => res.writeHead(426, { 'Content-Type': 'text/plain' }).end('Upgrade Required'))
    : (listen.server as HttpServer | undefined)
  // Every upgraded socket, accepted (with the core's listener of its events) or being refused with a
  // close code (undefined), so that close() can end them all.
  const sockets = createLiveSockets<WebSocket, SocketEvents>(clock)
  let host: TransportHost<Auth> | undefined
  let stopping = false

  const report = (err: unknown) => host?.report(err)
  // What ctx.request keeps of each upgrade: one copy of the header strings connections repeat.
  const headerStrings = new HeaderStrings()
  const guard = createUpgradeGuard(door, own ? http : undefined, () => host?.count('rejected'), clock)
  const originRefused = createOriginGate(door, report)

  // The listeners every socket shares, one function each (`this` is the socket) rather than closures
  // per connection: an idle connection is mostly listeners. ws reports protocol violations (oversize,
  // bad UTF-8) as 'error' after closing the socket itself. 'close' comes once: on(), not once(), whose
  // wrapper is a bound function and its state.
  const malformed = () => host?.count('malformed')
  function message(this: WebSocket, data: RawData, isBinary: boolean) {
    // ws hands binary data over as a Buffer (its default binaryType, which lifeline never changes).
    sockets.get(this)?.message(isBinary ? (data as Buffer) : String(data))
  }
  function pong(this: WebSocket) {
    sockets.get(this)?.pong()
  }
  function closed(this: WebSocket, code: number, reason: Buffer) {
    sockets.get(this)?.closed(code, String(reason))
    sockets.delete(this)
    guard.closed(this)
  }

  /** Serve an upgraded socket: to the core when authenticated; closed with 4401/4403 when not. */
  function upgraded(core: TransportHost<Auth>, ws: WebSocket, request: IncomingMessage, verdict: Verdict<Auth>) {
    ws.on('error', malformed)
    ws.on('close', closed)
    // Browsers cannot read an HTTP status from a failed upgrade; they can read a close code.
    if (verdict.ok) {
      sockets.add(ws, core.accept(new WsSocket(ws), new KeptRequest(request, headerStrings), verdict.auth))
      ws.on('message', message)
      ws.on('pong', pong)
    } else {
      sockets.add(ws)
      ws.close(4000 + verdict.status, closeReason(verdict.reason))
    }
  }

  function handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    if (!pathMatches(request.url, door.path)) return false
    socket.on('error', noop)
    const refused = (status: number, reason?: string) => {
      host?.count('rejected')
      refuse(socket, status, reason)
    }
    const core = host
    if (stopping || !core) {
      refused(503)
      return true
    }
    if (!guard.admit(request, socket)) {
      refused(429)
      return true
    }
    if (originRefused(request)) {
      refused(403)
      return true
    }
    authenticate(request, door.authenticate, report).then((verdict) => {
      // Cut, or answered 503 by the handshake deadline, while authenticate ran.
      if (socket.destroyed || !socket.writable) return
      if (stopping) return refused(503)
      if (refusedOverHttp(verdict, door.authRejection)) return refused(verdict.status, verdict.reason)
      if (!verdict.ok) core.count('rejected')
      wss.handleUpgrade(request, socket, head, (ws) => {
        // ws handles the socket's errors from now on: one listener fewer on every connection.
        socket.off('error', noop)
        guard.upgraded(socket, ws)
        upgraded(core, ws, request, verdict)
      })
    }).catch((err: unknown) => {
      // For instance handleUpgrade called twice with one socket: the caller's bug, not a crash.
      report(err)
      socket.destroy()
    })
    return true
  }

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Another listener may serve this path; only when there is none would the socket hang.
    if (!handleUpgrade(request, socket, head) && (own || http?.listenerCount('upgrade') === 1)) refuse(socket, 404)
  }

  return {
    handleUpgrade,
    address: () => http?.address() ?? null,
    start(next) {
      host = next
      http?.on('upgrade', onUpgrade)
      return new Promise<void>((resolve, reject) => {
        if (own) {
          http?.on('error', reject)
          http?.listen(listen.port, listen.host)
        }
        if (!http || http.listening) resolve()
        else http.once('listening', () => resolve())
      })
    },
    stop() {
      stopping = true
      if (own) http?.close(noop)
      else http?.off('upgrade', onUpgrade)
      guard.stop()
    },
    drained: sockets.drained,
    terminate() {
      for (const ws of sockets) ws.terminate()
    },
    close() {
      if (own) http?.closeAllConnections()
      wss.close()
    },
  }
}
