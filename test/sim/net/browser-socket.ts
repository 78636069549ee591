/**
 * The client's `WebSocket` over the simulated network, with a browser's
 * semantics: `send` while connecting throws, while closing it is ignored;
 * `close()` validates its code and reason as browsers do and starts the
 * closing handshake; a ping is answered with a pong by the "browser"; an
 * abnormal end fires `error` then `close` with 1006.
 * @module
 */
import type { WebSocketConstructor } from '../../../src/socket/options'
import type { Connection, End, Network, Packet } from './network'

const CONNECTING = 0
const OPEN = 1
const CLOSING = 2
const CLOSED = 3
/** A browser gives up on a closing handshake after this long (Firefox: network.websocket.timeout.close, 20 s). */
const CLOSE_TIMEOUT = 20_000

type Listener = ((event: never) => void) | null

/** What the world learns about every socket a client makes (for the leak check and the figures). */
export interface SocketWatch {
  created(socket: BrowserSocket): void
}

/** @internal */
export class BrowserSocket implements End {
  readyState = CONNECTING
  binaryType = 'blob'
  protocol = ''
  extensions = ''
  bufferedAmount = 0
  onopen: Listener = null
  onmessage: Listener = null
  onclose: Listener = null
  onerror: Listener = null
  readonly connection: Connection
  /** The close frame the server sent, if any: the close event reports its code. */
  private received: { code: number; reason: string } | undefined

  constructor(
    private readonly network: Network,
    readonly owner: string,
    readonly url: string,
  ) {
    this.connection = network.connect(new URL(url).host, this)
  }

  send(data: unknown) {
    if (this.readyState === CONNECTING) throw new DOMException('send() while CONNECTING', 'InvalidStateError')
    if (this.readyState !== OPEN) return
    if (typeof data !== 'string') throw new TypeError('the simulation carries text frames only')
    this.network.send(this.connection, 'up', { kind: 'data', data })
  }

  close(code?: number, reason?: string) {
    if (code !== undefined && code !== 1000 && !(code >= 3000 && code <= 4999)) throw new DOMException('bad close code', 'InvalidAccessError')
    if (reason !== undefined && new TextEncoder().encode(reason).length > 123) throw new DOMException('reason too long', 'SyntaxError')
    if (this.readyState >= CLOSING) return
    if (this.readyState === CONNECTING) {
      // A browser fails the connection: the TCP connection is aborted.
      this.readyState = CLOSING
      this.network.send(this.connection, 'up', { kind: 'reset' })
      this.finish(false)
      return
    }
    this.readyState = CLOSING
    this.network.send(this.connection, 'up', { kind: 'close', code: code ?? 1005, reason: reason ?? '' })
    // The browser's own timer, not the page's: it is not counted against the client.
    this.network.later(CLOSE_TIMEOUT, `${this.owner}.browser`, 'browser.closeTimeout', () => this.finish(false))
  }

  receive(packet: Packet) {
    if (this.readyState === CLOSED) return
    switch (packet.kind) {
      case 'accept':
        if (this.readyState !== CONNECTING) return
        this.readyState = OPEN
        this.fire('onopen', { type: 'open' })
        return
      case 'data':
        if (this.readyState === OPEN) this.fire('onmessage', { type: 'message', data: packet.data })
        return
      case 'ping':
        if (this.readyState === OPEN) this.network.send(this.connection, 'up', { kind: 'pong' })
        return
      case 'close':
        this.received = { code: packet.code, reason: packet.reason }
        // The server began the closing handshake: answer it; the server then ends the connection.
        if (this.readyState === OPEN) this.network.send(this.connection, 'up', { kind: 'close', code: packet.code, reason: packet.reason })
        this.readyState = CLOSING
        return
      case 'end':
        this.finish(this.received !== undefined)
        return
      case 'refuse':
      case 'reset':
        this.finish(false)
        return
      default:
        return
    }
  }

  /** The connection ended: a clean close reports the server's close frame, anything else 1006. */
  private finish(clean: boolean) {
    if (this.readyState === CLOSED) return
    this.readyState = CLOSED
    this.connection.clientDone = true
    this.network.settle(this.connection)
    if (!clean) this.fire('onerror', { type: 'error' })
    const code = clean && this.received ? this.received.code : 1006
    const reason = clean && this.received ? this.received.reason : ''
    this.fire('onclose', { type: 'close', code, reason, wasClean: clean })
  }

  private fire(name: 'onopen' | 'onmessage' | 'onclose' | 'onerror', event: object) {
    const handler = this[name] as ((event: object) => void) | null
    handler?.call(this, event)
  }
}

/** A `WebSocket` constructor for one client, as the client's `WebSocket` option takes it. */
export function browserWebSocket(network: Network, owner: string, watch?: SocketWatch): WebSocketConstructor {
  class ClientWebSocket extends BrowserSocket {
    static readonly CONNECTING = CONNECTING
    static readonly OPEN = OPEN
    static readonly CLOSING = CLOSING
    static readonly CLOSED = CLOSED
    constructor(url: string) {
      super(network, owner, url)
      watch?.created(this)
    }
  }
  return ClientWebSocket as unknown as WebSocketConstructor
}
