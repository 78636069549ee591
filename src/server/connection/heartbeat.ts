/**
 * Server-side liveness: ws ping frames on an interval. A client that has not
 * answered (pong, or any frame) since the previous ping is half-open, or
 * gone, and is terminated without waiting for a closing handshake.
 * @module
 */
import type { WebSocket } from 'ws'
import { backgroundTimeout, type Clock } from '../clock'

/** What the heartbeat needs from a connection. @internal */
export interface Beating {
  readonly socket: WebSocket
  /** Set on every pong or frame, cleared at every ping. */
  alive: boolean
}

/**
 * Start pinging `clients` every `interval` ms; `dead` is called for each one
 * reaped. Returns the stop function.
 * @internal
 */
export function startHeartbeat(clients: Iterable<Beating>, interval: number, dead: (client: Beating) => void, clock: Clock): () => void {
  let timer: unknown
  const beat = () => {
    // A heartbeat alone must not keep the process running.
    timer = backgroundTimeout(clock, beat, interval)
    for (const client of clients) {
      if (client.socket.readyState !== client.socket.OPEN) continue
      if (!client.alive) {
        dead(client)
        client.socket.terminate()
        continue
      }
      client.alive = false
      client.socket.ping()
    }
  }
  timer = backgroundTimeout(clock, beat, interval)
  return () => clock.clearTimeout(timer)
}
