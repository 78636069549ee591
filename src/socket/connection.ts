/**
 * One native WebSocket at a time: the only module that touches `WebSocket`.
 * Only the current socket's events get through: opening or dropping replaces
 * it, so an abandoned socket can never reach the link again.
 * @module
 */
import type { CloseInfo, WebSocketConstructor } from './options'

/** What the link hears from the current socket. @internal */
export interface ConnectionEvents {
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
  connect(url: string, protocols: string | string[] | undefined, on: ConnectionEvents): void
  /** Abandons the current socket: listeners off, `close()` sent, no wait for the handshake. */
  drop(code?: number, reason?: string): void
}

/** @internal */
export function createConnection(WebSocketClass: WebSocketConstructor, binaryType: BinaryType | undefined): Connection {
  let socket: WebSocket | undefined
  const drop = (code?: number, reason?: string) => {
    const abandoned = socket
    socket = undefined
    if (!abandoned) return
    // onerror stays a no-op: `ws` throws on an 'error' event nobody listens to.
    abandoned.onopen = null
    abandoned.onmessage = null
    abandoned.onclose = null
    try {
      abandoned.close(code, reason)
    } catch {
      // A code or reason the socket rejects must not keep it open.
      abandoned.close()
    }
  }
  return {
    get socket() {
      return socket
    },
    connect(url, protocols, on) {
      drop()
      const current = new WebSocketClass(url, protocols)
      socket = current
      if (binaryType) current.binaryType = binaryType
      // An 'error' is always followed by 'close', which is where failures are handled.
      current.onerror = () => {}
      current.onopen = () => {
        if (current === socket) on.open(current)
      }
      current.onmessage = (event) => {
        if (current === socket) on.message(event.data)
      }
      current.onclose = (event) => {
        if (current !== socket) return
        // close() on a closed socket is a no-op; dropping here just detaches.
        drop()
        on.close({ code: event.code, reason: event.reason, wasClean: event.wasClean })
      }
    },
    drop,
  }
}
