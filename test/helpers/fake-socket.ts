/**
 * Fakes of the browser environment for unit tests. FakeSocket is a hand-driven
 * WebSocket: nothing happens until the test says so (`accept`, `receive`,
 * `fail`, `serverClose`), so fake timers see every step.
 */
import type { WebSocketConstructor } from '../../src/socket/options'

type Handler = ((event: never) => void) | null

export class FakeSocket {
  static readonly CONNECTING = 0
  static readonly OPEN = 1
  static readonly CLOSING = 2
  static readonly CLOSED = 3
  /** Every socket constructed since the last `reset()`, oldest first. */
  static instances: FakeSocket[] = []
  static reset() {
    FakeSocket.instances = []
  }
  /** The newest socket; throws when none was made, so tests fail loudly. */
  static get last(): FakeSocket {
    const s = FakeSocket.instances.at(-1)
    if (!s) throw new Error('no socket was created')
    return s
  }
  /** The constructor as lifeline's option wants it. */
  static get ctor(): WebSocketConstructor {
    return FakeSocket as unknown as WebSocketConstructor
  }

  readyState = FakeSocket.CONNECTING
  binaryType = 'blob'
  protocol = ''
  bufferedAmount = 0
  sent: unknown[] = []
  /** Arguments of every close() call. */
  closeCalls: Array<[number | undefined, string | undefined]> = []
  onopen: Handler = null
  onmessage: Handler = null
  onclose: Handler = null
  onerror: Handler = null

  constructor(
    readonly url: string,
    readonly protocols?: string | string[],
  ) {
    FakeSocket.instances.push(this)
  }

  send(data: unknown) {
    if (this.readyState !== FakeSocket.OPEN) throw new Error('InvalidStateError: not open')
    this.sent.push(data)
  }

  /** Like a browser: bad codes throw; the closing handshake finishes only when the test says so. */
  close(code?: number, reason?: string) {
    this.closeCalls.push([code, reason])
    if (code !== undefined && code !== 1000 && !(code >= 3000 && code <= 4999)) {
      throw new Error('InvalidAccessError: bad close code')
    }
    if (reason !== undefined && reason.length > 123) throw new Error('SyntaxError: reason too long')
    if (this.readyState < FakeSocket.CLOSING) this.readyState = FakeSocket.CLOSING
  }

  /** True while any handler but the no-op error one is attached. */
  get attached(): boolean {
    return !!(this.onopen || this.onmessage || this.onclose)
  }

  private fire(name: 'onopen' | 'onmessage' | 'onclose' | 'onerror', event: object) {
    const handler = this[name] as ((e: object) => void) | null
    handler?.call(this, event)
  }

  accept(protocol = '') {
    this.readyState = FakeSocket.OPEN
    this.protocol = protocol
    this.fire('onopen', { type: 'open' })
  }

  receive(data: unknown) {
    this.fire('onmessage', { type: 'message', data })
  }

  /** The connection failed or dropped without a close frame. */
  fail() {
    this.readyState = FakeSocket.CLOSED
    this.fire('onerror', { type: 'error' })
    this.fire('onclose', { type: 'close', code: 1006, reason: '', wasClean: false })
  }

  serverClose(code = 1000, reason = '', wasClean = true) {
    this.readyState = FakeSocket.CLOSED
    this.fire('onclose', { type: 'close', code, reason, wasClean })
  }
}

/** A window or document stand-in that knows how many listeners it holds. */
export class CountingTarget extends EventTarget {
  listeners = 0
  override addEventListener(...args: Parameters<EventTarget['addEventListener']>) {
    this.listeners++
    super.addEventListener(...args)
  }
  override removeEventListener(...args: Parameters<EventTarget['removeEventListener']>) {
    this.listeners--
    super.removeEventListener(...args)
  }
}
