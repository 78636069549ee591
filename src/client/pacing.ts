/**
 * Pacing, client side (docs/connection.md, "Pacing"): the server's rate limit, announced in the
 * session handshake, mirrored as the server's own token bucket, so that what the client writes never
 * goes over it. Going over is final (1008, not retried): an honest client that flushes a long outbox
 * or makes calls in a tight loop must slow down instead. Every frame written is counted (control
 * frames too: the handshake, the resubscribe batch, acks, pings); only queued frames wait, in the
 * outbox, which polls again while they do.
 * @module
 */
import type { Clock } from '../timers'

/** The server's per-socket token bucket: `burst` messages at once, refilled at `rate` per second. */
export interface RateLimit {
  rate: number
  burst: number
}

/**
 * The share of the server's limit the client plans to use. The rest is headroom: for control frames
 * written while queued ones wait, and for frames that were written apart and arrive together.
 */
export const PACE_SHARE = 0.9

/** @internal */
export interface Pacing {
  /** A socket opened: the server made it a full bucket. */
  opened(): void
  /** A frame was written on the socket: it costs what the server charges for it. */
  wrote(frame: unknown): void
  /** Whether `frame` may be written now under `limit` (`undefined`: the server announced none). */
  allows(limit: RateLimit | undefined, frame: unknown): boolean
}

const OPEN_BRACKET = 0x5b

/** What the server charges for a frame: one per message of a batch, one for anything else. */
export function messagesIn(frame: unknown): number {
  if (typeof frame !== 'string' || frame.trimStart().charCodeAt(0) !== OPEN_BRACKET) return 1
  try {
    const parsed: unknown = JSON.parse(frame)
    return Array.isArray(parsed) ? Math.max(1, parsed.length) : 1
  } catch {
    return 1
  }
}

/** @internal */
export function createPacing(clock: Clock): Pacing {
  // Messages the server's bucket is short of full, as far as the client can tell; never below 0.
  let debt = 0
  let last = clock.now()
  // The refill rate of the socket's server; 0 (no refill counted, the safe guess) until it says.
  let rate = 0

  const refill = () => {
    const now = clock.now()
    debt = Math.max(0, debt - ((now - last) * rate * PACE_SHARE) / 1000)
    last = now
  }

  return {
    opened() {
      debt = 0
      rate = 0
      last = clock.now()
    },
    wrote(frame) {
      refill()
      debt += messagesIn(frame)
    },
    allows(limit, frame) {
      if (!limit) return true
      rate = limit.rate
      refill()
      // A frame bigger than the whole budget still goes once the bucket is full, or it would never go.
      return debt === 0 || debt + messagesIn(frame) <= limit.burst * PACE_SHARE
    },
  }
}
