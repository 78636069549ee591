/**
 * The publish rule (issue #26, defect 3: with Redis frozen, `server.publish` stayed pending for as long
 * as the freeze and nothing piled up visibly): every publish of the chaos server settles, published or
 * rejected, within the Redis command deadline plus a grace; none is pending at the end. With the
 * in-memory broker a publish settles in the same turn.
 */
import type { PublishRecord } from './child'

/** The Redis broker's default `commandTimeout` (ms), which the chaos server keeps. */
export const COMMAND_TIMEOUT = 1000
/** How late past the deadline a publish may settle (event-loop lag on a loaded 2-core machine). */
export const PUBLISH_GRACE = 2000
const SHOWN = 10

export interface PublishFigures {
  settled: number
  rejected: number
  /** Settled later than COMMAND_TIMEOUT + PUBLISH_GRACE. */
  slow: number
  slowestMs: number
  /** Still pending when the run ended. */
  pending: number
}

export function checkPublishes(records: readonly PublishRecord[], pending: number, violations: string[]): PublishFigures {
  const figures: PublishFigures = { settled: records.length, rejected: 0, slow: 0, slowestMs: 0, pending }
  for (const record of records) {
    if (record.error !== undefined) figures.rejected++
    figures.slowestMs = Math.max(figures.slowestMs, record.ms)
    if (record.ms <= COMMAND_TIMEOUT + PUBLISH_GRACE) continue
    figures.slow++
    if (figures.slow <= SHOWN) violations.push(`publish settled after ${record.ms} ms (${record.error ?? 'published'})`)
  }
  if (pending) violations.push(`${pending} publishes still pending at the end of the run`)
  return figures
}
