/**
 * The `ws` adapter: a `ws` WebSocket as a {@link TransportSocket}, and its
 * events reported to the core's {@link SocketEvents}.
 * @module
 */
import type { WebSocket } from 'ws'
import type { SocketEvents, TransportSocket } from './transport'

/**
 * A `ws` socket as the core drives it. A class, so that an idle connection costs one small object
 * (its methods live on the prototype) rather than a closure per method.
 * @internal
 */
export class WsSocket implements TransportSocket {
  constructor(private readonly ws: WebSocket) {}
  send(text: string): void {
    this.ws.send(text)
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
}

/** Report what happens on `ws` to `events`, in order, until it closes. @internal */
export function reportEvents(ws: WebSocket, events: SocketEvents): void {
  ws.on('message', (data, isBinary) => events.message(isBinary ? undefined : String(data)))
  ws.on('pong', () => events.pong())
  ws.once('close', (code, reason) => events.closed(code, String(reason)))
}
