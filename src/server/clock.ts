/**
 * The server's time. Every timer the server owns (acks, a session's ttl,
 * `ctx.call` timeouts, the heartbeat, the handshake deadline, the rate-limit
 * bucket, the waits of `close()`) goes through one {@link Clock}, the same
 * interface the client injects as `environment.clock`: the real one by
 * default, a virtual one in a simulation (resolveServerOptions' second
 * argument), so the whole server can run on virtual time.
 * @module
 */
import type { Clock } from '../timers'

export { systemClock, type Clock } from '../timers'

/**
 * Start a timer that must not keep the process alive on its own (a session waiting for its client,
 * the heartbeat, a handshake deadline, an owed ack). Node's handles are unref'd; a virtual clock's
 * handle, which has no `unref`, is left as it is.
 * @internal
 */
export function backgroundTimeout(clock: Clock, fn: () => void, ms: number): unknown {
  const handle = clock.setTimeout(fn, ms)
  ;(handle as { unref?: () => void } | null)?.unref?.()
  return handle
}
