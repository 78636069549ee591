/**
 * One native WebSocket at a time: the only module that touches `WebSocket`.
 * Only the current socket's events get through: opening or dropping replaces
 * it, so an abandoned socket can never reach the link again.
 * @module
 */
import type { CloseInfo, WebSocketConstructor } from '../options'

/** What the link hears from the current socket. @internal */
export interface SocketEvents {
  open(socket: WebSocket): void
  message(data: unknown): void
  /** Once per socket, whether it opened or not; never for a dropped one. */
  close(info: CloseInfo): void
}

/** @internal */
export interface Connection {
  /** The current socket, in any state but abandoned. */
  readonly socket: WebSocket | undefined
  /** Abandons the current socket, then creates a new one. Throws what the constructor throws. */
  open(url: string, protocols: string | string[] | undefined, on: SocketEvents): void
  /** Abandons the current socket: listeners off, `close()` sent, no wait for the handshake. */
  drop(code?: number, reason?: string): void
}

/** @internal */
export function createConnection(WS: WebSocketConstructor, binaryType: BinaryType | undefined): Connection {
  let socket: WebSocket | undefined
  const drop = (code?: number, reason?: string) => {
    const s = socket
    socket = undefined
    if (!s) return
    // onerror stays a no-op: `ws` throws on an 'error' event nobody listens to.
    s.onopen = s.onmessage = s.onclose = null
    try {
      s.close(code, reason)
    } catch {
      // A code or reason the socket rejects must not keep it open.
      s.close()
    }
  }
  return {
    get socket() {
      return socket
    },
    open(url, protocols, on) {
      drop()
      const s = (socket = new WS(url, protocols))
      if (binaryType) s.binaryType = binaryType
      // An 'error' is always followed by 'close', which is where failures are handled.
      s.onerror = () => {}
      s.onopen = () => s == socket && on.open(s)
      s.onmessage = (e) => s == socket && on.message(e.data)
      s.onclose = (e) => {
        if (s != socket) return
        // close() on a closed socket is a no-op; dropping here just detaches.
        drop()
        on.close({ code: e.code, reason: e.reason, wasClean: e.wasClean })
      }
    },
    drop,
  }
}
