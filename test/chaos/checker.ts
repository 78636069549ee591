/**
 * The history check: everything the clients did and the server received, judged at the end.
 * Each guarantee gives counts and a list of violations (capped, with enough detail to find them).
 *
 * - Calls: every call settled, within its timeout plus GRACE, with a typed error or the right answer.
 * - Notifications: each reached the server at most once, in order per client, and exactly once
 *   unless a `drop` event returned it. A `drop` event must be true: a notification it reports as
 *   `overflow`, `expired` or `closed` must not have reached the server (only `unknown` may have).
 *   A SIGKILL of the server may lose what it had acknowledged and not yet run (docs/server.md,
 *   "What a crash can and cannot promise"): such a loss, and a reordering across a kill, is counted
 *   apart; every duplicate, and every other loss or reordering, fails the run. (Duplicates used to
 *   be explained by a kill or an expired session: the client wrote what was in doubt again to the
 *   new session. It reports it as `unknown` now.)
 * - Topics: per subscriber and topic, seq strictly increasing and without holes, except right
 *   after an onGap.
 * - Leaks, reconnect storms: counts against stated bounds.
 */
import type { NoteRecord } from './child'
import type { CallRecord, NoteSent, TopicEvent } from './workload'

/** How late past its own timeout a call may settle (event-loop lag on a loaded 2-core machine). */
export const GRACE = 2000
const SHOWN = 10
const TYPED = new Set(['ok', 'RpcError', 'TimeoutError', 'ConnectionClosedError', 'ClientClosedError', 'QueueFullError', 'OutcomeUnknownError'])

export interface CallFigures {
  issued: number
  settled: number
  byOutcome: Record<string, number>
  hung: number
  late: number
  /**
   * Settled after timeout + grace, but the clients' event loop was stalled at least that much longer
   * while the call waited: its timer could not fire sooner (the harness was saturated).
   */
  lateExplainedByLoopDelay: number
  wrong: number
  untyped: number
  worstSettleMs: number
}

/** One stall of the clients' event loop: a timer due at `at` ran `lag` ms late. */
export interface LoopStall {
  at: number
  lag: number
}

export interface NoteFigures {
  sent: number
  deliveredOnce: number
  duplicates: number
  /** Reported in a `drop` event as certainly not run (overflow, expired, closed), yet the server ran them. */
  droppedButRan: number
  /** Returned as `unknown` (in doubt when the session was lost) and run by the server before that. */
  unknownRan: number
  lost: number
  lostExplainedByKill: number
  dropped: Record<string, number>
  outOfOrder: number
  outOfOrderExplainedByKill: number
  /** Unexplained losses by the fault that was in progress (or began within LOSS_WINDOW) after they were issued. */
  lostByFault: Record<string, number>
  /** Every unexplained loss and duplicate, for diagnosis: client, n, issue time, server deliveries. */
  anomalies: { kind: 'lost' | 'duplicate'; client: number; n: number; issuedAt: number; deliveries: { at: number; life: number; session: string }[] }[]
}

/** A fault as injected: kind and wall-clock span. */
export interface Injected {
  kind: string
  start: number
  end: number
}

/**
 * A loss is put down to a fault that began up to this long after the notification was issued, or
 * ended up to this long before (a blackholed socket stays silent until the heartbeat gives up on it).
 */
const LOSS_WINDOW = 5000

/** The fault nearest in time to a loss: in progress when it was issued, or the closest before or after. */
function blame(issuedAt: number, injected: readonly Injected[]): string {
  let nearest = 'no fault nearby'
  let best = LOSS_WINDOW
  for (const fault of injected) {
    const distance = Math.max(fault.start - issuedAt, issuedAt - fault.end, 0)
    if (distance > best) continue
    best = distance
    nearest = fault.kind
  }
  return nearest
}

export interface TopicFigures {
  subscribers: number
  messages: number
  gaps: number
  notIncreasing: number
  holesWithoutGap: number
}

export interface Verdict {
  calls: CallFigures
  notes: NoteFigures
  topics: TopicFigures
  violations: string[]
}

const within = (kills: readonly number[], from: number, to: number) => kills.some((kill) => kill >= from && kill <= to)

/** The longest stall of the event loop that began within [from, to] (stalls sorted by time). */
function longestStall(stalls: readonly LoopStall[], from: number, to: number): number {
  let longest = 0
  let low = 0
  let high = stalls.length
  while (low < high) {
    const mid = (low + high) >> 1
    if (stalls[mid]!.at < from) low = mid + 1
    else high = mid
  }
  for (let index = low; index < stalls.length && stalls[index]!.at <= to; index++) longest = Math.max(longest, stalls[index]!.lag)
  return longest
}

export function checkCalls(calls: readonly CallRecord[], violations: string[], stalls: readonly LoopStall[] = []): CallFigures {
  const figures: CallFigures = { issued: calls.length, settled: 0, byOutcome: {}, hung: 0, late: 0, lateExplainedByLoopDelay: 0, wrong: 0, untyped: 0, worstSettleMs: 0 }
  for (const call of calls) {
    if (call.settledAt === undefined || call.outcome === undefined) {
      figures.hung++
      if (figures.hung <= SHOWN) violations.push(`call hung: client ${call.client} ${call.kind} issued at ${call.issuedAt}`)
      continue
    }
    figures.settled++
    figures.byOutcome[call.outcome] = (figures.byOutcome[call.outcome] ?? 0) + 1
    const took = call.settledAt - call.issuedAt
    figures.worstSettleMs = Math.max(figures.worstSettleMs, took)
    const late = took - (call.timeout + GRACE)
    if (late > 0 && longestStall(stalls, call.issuedAt, call.settledAt) >= late) figures.lateExplainedByLoopDelay++
    else if (late > 0) {
      figures.late++
      if (figures.late <= SHOWN) violations.push(`call settled late: client ${call.client} ${call.kind} after ${took} ms (${call.outcome})`)
    }
    if (!TYPED.has(call.outcome)) {
      figures.untyped++
      if (figures.untyped <= SHOWN) violations.push(`call rejected with an untyped error: ${call.outcome}`)
    }
    if (call.outcome === 'ok' && !call.correct) {
      figures.wrong++
      if (figures.wrong <= SHOWN) violations.push(`call answered wrongly: client ${call.client} ${call.kind}`)
    }
  }
  return figures
}

export function checkNotes(
  sent: readonly NoteSent[],
  received: readonly NoteRecord[],
  injected: readonly Injected[],
  violations: string[],
): NoteFigures {
  const kills = injected.filter((fault) => fault.kind === 'kill').map((fault) => fault.start)
  const figures: NoteFigures = {
    sent: sent.length, deliveredOnce: 0, duplicates: 0, droppedButRan: 0, unknownRan: 0,
    lost: 0, lostExplainedByKill: 0, dropped: {}, outOfOrder: 0, outOfOrderExplainedByKill: 0, lostByFault: {}, anomalies: [],
  }
  const deliveries = new Map<string, NoteRecord[]>()
  const byClient = new Map<number, NoteRecord[]>()
  // Appended in place: copying a client's list per record is quadratic, hours for the long profile's
  // 1,000 clients with thousands of notifications each.
  const append = <K>(map: Map<K, NoteRecord[]>, key: K, record: NoteRecord) => {
    const list = map.get(key)
    if (list) list.push(record)
    else map.set(key, [record])
  }
  for (const record of received) {
    append(deliveries, `${record.client}:${record.n}`, record)
    append(byClient, record.client, record)
  }
  for (const note of sent) {
    const got = deliveries.get(`${note.client}:${note.n}`) ?? []
    if (got.length === 1) figures.deliveredOnce++
    if (got.length > 1) {
      figures.duplicates++
      figures.anomalies.push({ kind: 'duplicate', client: note.client, n: note.n, issuedAt: note.issuedAt, deliveries: got.map(({ at, life, session }) => ({ at, life, session })) })
      if (figures.duplicates <= SHOWN) violations.push(`notification delivered ${got.length} times: client ${note.client} n ${note.n}`)
    }
    if (got.length && note.dropped === 'unknown') figures.unknownRan++
    else if (got.length && note.dropped) {
      // The drop event said it did not run: an app that resends what is dropped would run it twice.
      figures.droppedButRan++
      if (figures.droppedButRan <= SHOWN) violations.push(`notification reported dropped (${note.dropped}) but the server ran it: client ${note.client} n ${note.n}`)
    }
    if (got.length) continue
    if (note.dropped) {
      figures.dropped[note.dropped] = (figures.dropped[note.dropped] ?? 0) + 1
      continue
    }
    // Outstanding until the server recorded a later note of the same client (or the end).
    const later = (byClient.get(note.client) ?? []).find((record) => record.n > note.n)
    if (within(kills, note.issuedAt, later?.at ?? Infinity)) figures.lostExplainedByKill++
    else {
      figures.lost++
      // The client's neighbouring deliveries (process, session), to see which session lost it.
      const around = (byClient.get(note.client) ?? []).filter((record) => Math.abs(record.n - note.n) <= 2)
      figures.anomalies.push({ kind: 'lost', client: note.client, n: note.n, issuedAt: note.issuedAt, deliveries: around.map(({ at, life, session, n }) => ({ at, life, session: `${session} (n ${n})` })) })
      const fault = blame(note.issuedAt, injected)
      figures.lostByFault[fault] = (figures.lostByFault[fault] ?? 0) + 1
      if (figures.lost <= SHOWN) violations.push(`notification lost without a drop event: client ${note.client} n ${note.n} issued at ${note.issuedAt} (${fault})`)
    }
  }
  for (const [client, records] of byClient) {
    const seen = new Set<number>()
    let highest: NoteRecord | undefined
    for (const record of records) {
      if (seen.has(record.n)) continue
      seen.add(record.n)
      if (highest && record.n < highest.n) {
        if (within(kills, highest.at, record.at)) figures.outOfOrderExplainedByKill++
        else {
          figures.outOfOrder++
          if (figures.outOfOrder <= SHOWN) violations.push(`notification out of order: client ${client} n ${record.n} after n ${highest.n}`)
        }
      }
      if (!highest || record.n > highest.n) highest = record
    }
  }
  return figures
}

/**
 * The topic rule, checked as messages arrive: a long run delivers millions of topic messages, and
 * keeping each as a record made the client process's heap big enough for its GC pauses to make
 * timers late. Per subscriber only the last seq and whether onGap fired since are kept.
 */
export interface TopicChecker {
  message(client: number, topic: string, seq: number): void
  gap(client: number, topic: string): void
  readonly figures: TopicFigures
}

export function createTopicChecker(violations: string[]): TopicChecker {
  const figures: TopicFigures = { subscribers: 0, messages: 0, gaps: 0, notIncreasing: 0, holesWithoutGap: 0 }
  const streams = new Map<string, { previous: number | undefined; afterGap: boolean }>()
  const stream = (client: number, topic: string) => {
    const key = `${client}:${topic}`
    let state = streams.get(key)
    if (!state) {
      state = { previous: undefined, afterGap: false }
      streams.set(key, state)
      figures.subscribers++
    }
    return { key, state }
  }
  return {
    figures,
    gap(client, topic) {
      figures.gaps++
      stream(client, topic).state.afterGap = true
    },
    message(client, topic, seq) {
      const { key, state } = stream(client, topic)
      figures.messages++
      const { previous } = state
      if (previous !== undefined && !state.afterGap) {
        if (seq <= previous) {
          figures.notIncreasing++
          if (figures.notIncreasing <= SHOWN) violations.push(`topic seq not increasing: ${key} ${seq} after ${previous}`)
        } else if (seq !== previous + 1) {
          figures.holesWithoutGap++
          if (figures.holesWithoutGap <= SHOWN) violations.push(`topic seq skipped without onGap: ${key} ${seq} after ${previous}`)
        }
      }
      state.previous = seq
      state.afterGap = false
    },
  }
}

/** The topic rule over a recorded history (the checker's own tests). */
export function checkTopics(events: readonly TopicEvent[], violations: string[]): TopicFigures {
  const checker = createTopicChecker(violations)
  for (const event of events) {
    if ('gap' in event) checker.gap(event.client, event.topic)
    else checker.message(event.client, event.topic, event.seq)
  }
  return checker.figures
}

/** The most connection attempts in any one-second window within [from, to]. */
export function peakRate(accepts: readonly number[], from = -Infinity, to = Infinity): number {
  const times = accepts.filter((time) => time >= from && time <= to)
  let peak = 0
  let start = 0
  for (let end = 0; end < times.length; end++) {
    while (times[end]! - times[start]! >= 1000) start++
    peak = Math.max(peak, end - start + 1)
  }
  return peak
}
