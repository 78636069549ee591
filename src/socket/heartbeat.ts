/**
 * Liveness watchdog for one open socket. Silence for `interval` sends a ping;
 * silence for `timeout` after it means the path is dead. Any inbound frame
 * counts as life, so a busy connection never pings.
 * @module
 */
import { createTimer, type Clock } from '../timers'

/** @internal */
export interface Heartbeat {
  /** An inbound frame arrived: the socket is alive. */
  seen(): void
  /** Ping now and start waiting for any frame. */
  probe(): void
  /** Ends the watchdog; part of the socket's teardown. */
  stop(): void
}

/**
 * Starts watching at once. `ping` sends one probe; `dead` runs at most once.
 * @example
 * const heartbeat = createHeartbeat({ interval: 25000, timeout: 10000 }, clock, sendPing, abandonSocket)
 * socket.onmessage = () => heartbeat.seen()
 * @internal
 */
export function createHeartbeat(
  { interval, timeout }: { interval: number; timeout: number },
  clock: Clock,
  ping: () => void,
  dead: () => void,
): Heartbeat {
  const timer = createTimer(clock)
  // A frame only stamps the time: re-arming a timer per frame costs a
  // clearTimeout + setTimeout each, which shows in every message's cost.
  // The one pending timer re-arms itself for the silence that is left.
  let last = clock.now()
  let probing = false
  const probe = () => {
    probing = true
    const due = clock.now() + timeout
    timer.set(timeout, () => {
      // Background tabs and sleeping laptops fire timers late, and the reply
      // may be queued behind this timer. A late timer proves nothing about the
      // socket, so ask again instead of declaring it dead.
      if (clock.now() - due > timeout / 2) probe()
      else dead()
    })
    ping()
  }
  const check = () => {
    const idle = clock.now() - last
    if (idle >= interval) probe()
    else timer.set(interval - idle, check)
  }
  const seen = () => {
    last = clock.now()
    if (probing) {
      probing = false
      timer.set(interval, check)
    }
  }
  timer.set(interval, check)
  return { seen, probe, stop: timer.clear }
}
