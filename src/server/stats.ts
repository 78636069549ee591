/**
 * The server's counters, in one mutable record that the parts bump and
 * `server.stats` copies.
 * @module
 */
import type { ServerStats } from './types'

/** @internal */
export const createStats = (): ServerStats => ({
  connections: 0, accepted: 0, rejected: 0, calls: 0, errors: 0, dropped: 0, malformed: 0,
})
