/**
 * What the Deno and Bun transports share past the door (web-door.ts): one
 * socket's life, from the moment it opens (served, or closed with the
 * verdict's 4401/4403) to its close, told to the core once, with its
 * address's place given back.
 * @module
 */
import type { WireFrame } from '../../protocol/protocol'
import { closeReason } from '../values'
import type { LiveSockets } from './live-sockets'
import type { SocketEvents, TransportSocket } from './transport'
import type { Admitted } from './web-door'

/**
 * One upgraded socket of a web-standard transport. A class, so that an idle connection costs one
 * small object. The adapter calls its methods from the runtime's events.
 * @internal
 */
export class NativeConnection<Auth> {
  private events: SocketEvents | undefined
  private ended = false

  constructor(
    private readonly admitted: Admitted<Auth>,
    private readonly socket: TransportSocket,
    private readonly live: LiveSockets<TransportSocket>,
  ) {}

  /** The socket is open: to the core when accepted; closed at once with 4401/4403 when not. */
  opened(): void {
    if (this.ended) return
    this.live.add(this.socket)
    const { host, verdict, request } = this.admitted
    // Browsers cannot read an HTTP status from a failed upgrade; they can read a close code.
    if (verdict.ok) this.events = host.accept(this.socket, request, verdict.auth)
    else this.socket.close(4000 + verdict.status, closeReason(verdict.reason))
  }

  /**
   * A text frame or a binary one's bytes (undefined: bytes the runtime gave in a form not read here,
   * answered as a parse error); nothing once closed, or before being accepted.
   */
  message(data: WireFrame | undefined): void {
    this.events?.message(data ?? new Uint8Array(0))
  }

  pong(): void {
    this.events?.pong()
  }

  /** The peer broke the WebSocket protocol (an oversize frame): counted in `stats.malformed`. */
  malformed(): void {
    this.admitted.host.count('malformed')
  }

  /** The socket closed, or was cut: the core hears it once; anything the runtime reports later is ignored. */
  closed(code: number, reason: string): void {
    if (this.ended) return
    this.ended = true
    this.live.delete(this.socket)
    this.admitted.release()
    const { events } = this
    this.events = undefined
    events?.closed(code, reason)
  }
}
