/**
 * Server-side liveness: at every interval, each connection heard from since
 * the last turn is pinged (a ping control frame, through its transport) and
 * each one that was not is half-open, or gone, and is terminated without
 * waiting for a closing handshake (Connection.probe). Transport-independent,
 * so a simulated network runs it on virtual time.
 * @module
 */
import { backgroundTimeout, type Clock } from '../clock'
import type { Connection } from './types'

/** Start probing `connections` every `interval` ms. Returns the stop function. @internal */
export function startHeartbeat<Auth>(connections: Iterable<Connection<Auth>>, interval: number, clock: Clock): () => void {
  let timer: unknown
  const beat = () => {
    // A heartbeat alone must not keep the process running.
    timer = backgroundTimeout(clock, beat, interval)
    for (const connection of connections) connection.probe()
  }
  timer = backgroundTimeout(clock, beat, interval)
  return () => clock.clearTimeout(timer)
}
