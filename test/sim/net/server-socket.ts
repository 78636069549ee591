/**
 * A server's socket over the simulated network, with the semantics of a
 * `ws` WebSocket on the server: 'message', 'pong' and 'close' events, `send`
 * after close ignored, `close()` starts the closing handshake (cut after
 * `closeTimeout`, as `ws` does), `terminate()` ends the connection at once.
 * Also the HTTP side of the upgrade: `upgrade` answers `accept` or a status.
 * @module
 */
import { EventEmitter } from 'node:events'
import type { Scheduler } from '../kernel/scheduler'
import type { Connection, End, Network, Packet } from './network'

/** How long `ws` waits for the client's close frame before it destroys the socket. */
const CLOSE_TIMEOUT = 30_000

/** @internal */
export class ServerSocket extends EventEmitter implements End {
  readonly CONNECTING = 0
  readonly OPEN = 1
  readonly CLOSING = 2
  readonly CLOSED = 3
  /** Before the upgrade is answered: CONNECTING. */
  readyState = 0
  bufferedAmount = 0
  protocol = ''
  /** The upgrade request was answered (accepted or refused); the HTTP side is done. */
  private answered = false
  private closeSent = false
  private closeReceived: { code: number; reason: string } | undefined
  private closeTimer: ReturnType<Scheduler['at']> | undefined

  constructor(
    private readonly network: Network,
    private readonly scheduler: Scheduler,
    readonly connection: Connection,
    readonly owner: string,
  ) {
    super()
  }

  /** The upgrade succeeded: the 101 goes out and the socket is open. */
  accept() {
    if (this.answered || this.readyState === this.CLOSED) return
    this.answered = true
    this.readyState = this.OPEN
    this.network.send(this.connection, 'down', { kind: 'accept' })
  }

  /** The upgrade is refused with an HTTP status; the connection ends. */
  refuse(status: number) {
    if (this.answered || this.readyState === this.CLOSED) return
    this.answered = true
    this.network.send(this.connection, 'down', { kind: 'refuse', status })
    this.network.send(this.connection, 'down', { kind: 'end' })
    this.done(1006, '')
  }

  send(data: unknown, callback?: (err?: Error) => void) {
    if (this.readyState !== this.OPEN) {
      callback?.(new Error('WebSocket is not open'))
      return
    }
    this.network.send(this.connection, 'down', { kind: 'data', data: String(data) })
    callback?.()
  }

  ping() {
    if (this.readyState === this.OPEN) this.network.send(this.connection, 'down', { kind: 'ping' })
  }

  close(code?: number, reason?: string) {
    if (this.readyState === this.CLOSED) return
    if (this.readyState === this.CONNECTING) {
      this.terminate()
      return
    }
    if (this.closeSent) return
    this.closeSent = true
    this.readyState = this.CLOSING
    this.network.send(this.connection, 'down', { kind: 'close', code: code ?? 1005, reason: reason ?? '' })
    if (this.closeReceived) {
      this.end(this.closeReceived.code, this.closeReceived.reason)
      return
    }
    this.closeTimer = this.scheduler.at(CLOSE_TIMEOUT, this.owner, 'ws.closeTimeout', () => this.terminate(), `c${this.connection.id}`, true)
  }

  terminate() {
    if (this.readyState === this.CLOSED) return
    this.network.send(this.connection, 'down', { kind: 'end' })
    this.done(1006, '')
  }

  receive(packet: Packet) {
    if (this.readyState === this.CLOSED) return
    switch (packet.kind) {
      case 'data':
        if (this.readyState === this.OPEN) this.emit('message', packet.data, false)
        return
      case 'pong':
        this.emit('pong')
        return
      case 'close':
        this.closeReceived = { code: packet.code, reason: packet.reason }
        // ws answers a close frame with its own, then ends the connection.
        if (!this.closeSent) {
          this.closeSent = true
          this.network.send(this.connection, 'down', { kind: 'close', code: packet.code, reason: packet.reason })
        }
        this.end(packet.code, packet.reason)
        return
      case 'end':
      case 'reset':
        this.done(this.closeReceived?.code ?? 1006, this.closeReceived?.reason ?? '')
        return
      default:
        return
    }
  }

  /** The process died: nothing of this socket runs again, and nothing is emitted. */
  crashed() {
    this.readyState = this.CLOSED
    if (this.closeTimer) this.scheduler.cancel(this.closeTimer)
    this.connection.serverDone = true
    this.network.settle(this.connection)
  }

  private end(code: number, reason: string) {
    this.network.send(this.connection, 'down', { kind: 'end' })
    this.done(code, reason)
  }

  /** CLOSED: 'close' is emitted after the current job, as ws emits it when its TCP socket closes. */
  private done(code: number, reason: string) {
    this.readyState = this.CLOSED
    if (this.closeTimer) this.scheduler.cancel(this.closeTimer)
    this.connection.serverDone = true
    this.network.settle(this.connection)
    queueMicrotask(() => this.emit('close', code, Buffer.from(reason)))
  }
}
