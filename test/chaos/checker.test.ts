// The history checker must catch what it claims to catch: each rule is fed a history that breaks it.
import { describe, expect, it } from 'vitest'
import { checkCalls, checkNotes, checkTopics, GRACE, peakRate } from './checker'
import type { NoteRecord } from './child'
import { createEventChecker } from './events'
import { seeded } from './prng'
import { checkPublishes, COMMAND_TIMEOUT, PUBLISH_GRACE } from './publishes'
import { drawSchedule, REDIS_FAULT_KINDS } from './schedule'

const record = (client: number, n: number, at: number, life = 1): NoteRecord => ({ client, n, at, life, session: 's' })

describe('checkCalls', () => {
  it('counts hung, late, wrong and untyped calls', () => {
    const violations: string[] = []
    const figures = checkCalls(
      [
        { client: 0, kind: 'echo', issuedAt: 0, timeout: 1000, settledAt: 10, outcome: 'ok', correct: true },
        { client: 0, kind: 'echo', issuedAt: 0, timeout: 1000 },
        { client: 0, kind: 'echo', issuedAt: 0, timeout: 1000, settledAt: 1000 + GRACE + 1, outcome: 'TimeoutError' },
        { client: 0, kind: 'ask', issuedAt: 0, timeout: 1000, settledAt: 5, outcome: 'ok', correct: false },
        { client: 0, kind: 'work', issuedAt: 0, timeout: 1000, settledAt: 5, outcome: 'string' },
      ],
      violations,
    )
    expect(figures).toMatchObject({ issued: 5, settled: 4, hung: 1, late: 1, wrong: 1, untyped: 1 })
    expect(violations).toHaveLength(4)
  })
})

describe('checkCalls and the event loop', () => {
  it('puts a late settle down to a stall of the event loop as long as its lateness, and no shorter', () => {
    const violations: string[] = []
    const late = (issuedAt: number) => ({ client: 0, kind: 'echo' as const, issuedAt, timeout: 1000, settledAt: issuedAt + 1000 + GRACE + 500, outcome: 'TimeoutError' })
    const stalls = [
      { at: 1_200, lag: 600 },
      { at: 20_200, lag: 400 },
    ]
    // The first waited through a 600 ms stall; the second only through a 400 ms one; the third through none.
    const figures = checkCalls([late(1_000), late(20_000), late(40_000)], violations, stalls)
    expect(figures).toMatchObject({ late: 2, lateExplainedByLoopDelay: 1 })
    expect(violations).toHaveLength(2)
  })
})

describe('checkNotes', () => {
  const sent = [1, 2, 3, 4].map((n) => ({ client: 0, n, issuedAt: n * 100 }))

  it('passes exactly once, in order', () => {
    const violations: string[] = []
    const figures = checkNotes(sent, sent.map((note) => record(0, note.n, note.issuedAt + 1)), [], violations)
    expect(figures.deliveredOnce).toBe(4)
    expect(violations).toEqual([])
  })

  it('fails a duplicate, a loss and a reordering that no kill explains, and names the fault in progress', () => {
    const violations: string[] = []
    const received = [record(0, 1, 101), record(0, 3, 301), record(0, 2, 302), record(0, 3, 303)]
    const injected = [{ kind: 'latency', start: 0, end: 300 }, { kind: 'blackhole', start: 350, end: 900 }]
    const figures = checkNotes(sent, received, injected, violations)
    expect(figures).toMatchObject({ deliveredOnce: 2, duplicates: 1, lost: 1, outOfOrder: 1, lostByFault: { blackhole: 1 } })
    expect(violations).toHaveLength(3)
  })

  it('fails a duplicate whatever lies between its deliveries: a kill, two processes, a new session long after', () => {
    const violations: string[] = []
    // What was in doubt when a session was lost is reported as unknown now, never written again.
    const acrossKill = [record(0, 1, 101), record(0, 2, 501, 1), record(0, 2, 700, 2), record(0, 3, 701, 2), record(0, 4, 702, 2)]
    expect(checkNotes(sent, acrossKill, [{ kind: 'kill', start: 500, end: 600 }], violations)).toMatchObject({ duplicates: 1 })
    const inSession = (n: number, at: number, session: string): NoteRecord => ({ client: 0, n, at, life: 1, session })
    const afterExpiry = [inSession(1, 101, 'old'), inSession(2, 201, 'old'), inSession(2, 200_000, 'new'), inSession(3, 200_001, 'new'), inSession(4, 200_002, 'new')]
    expect(checkNotes(sent, afterExpiry, [], violations)).toMatchObject({ duplicates: 1 })
    expect(violations).toHaveLength(2)
  })

  it('counts a loss a SIGKILL explains apart, and accepts drops', () => {
    const violations: string[] = []
    const notes = [...sent.slice(0, 3), { client: 0, n: 4, issuedAt: 400, dropped: 'overflow' }]
    const received = [record(0, 1, 101), record(0, 3, 601, 2)]
    const figures = checkNotes(notes, received, [{ kind: 'kill', start: 500, end: 550 }], violations)
    expect(figures).toMatchObject({ duplicates: 0, lost: 0, lostExplainedByKill: 1, dropped: { overflow: 1 } })
    expect(violations).toEqual([])
  })

  it("fails a drop event that was not true: reported expired (or overflow, closed) and run by the server; 'unknown' may have run", () => {
    const violations: string[] = []
    const notes = [
      { client: 0, n: 1, issuedAt: 100, dropped: 'expired' },
      { client: 0, n: 2, issuedAt: 200, dropped: 'unknown' },
      { client: 0, n: 3, issuedAt: 300, dropped: 'unknown' },
      { client: 0, n: 4, issuedAt: 400 },
    ]
    const received = [record(0, 1, 101), record(0, 2, 201), record(0, 4, 401)]
    const figures = checkNotes(notes, received, [], violations)
    expect(figures).toMatchObject({ droppedButRan: 1, unknownRan: 1, dropped: { unknown: 1 }, lost: 0 })
    expect(violations).toEqual(['notification reported dropped (expired) but the server ran it: client 0 n 1'])
  })
})

describe('the event checker (server to client)', () => {
  const tick = (n: number, boot = 'a') => ({ boot, n })

  it('fails an event delivered twice or out of order, as after a resume that replayed it (#26, defect 1)', () => {
    const violations: string[] = []
    const checker = createEventChecker(violations)
    for (const n of [18, 19, 60, 20, 21]) checker.event(0, 'tick', tick(n), n)
    checker.explainHoles([], new Set())
    expect(checker.figures).toMatchObject({ received: 5, repeated: 2, holes: 1 })
    expect(violations[0]).toBe('event tick 20 after 60: client 0, process a (delivered twice or out of order)')
  })

  it('accepts a new process, and a hole across a new session; fails a hole without one', () => {
    const violations: string[] = []
    const checker = createEventChecker(violations)
    checker.event(0, 'own', tick(5), 1)
    checker.event(0, 'own', tick(1, 'b'), 2)
    checker.event(1, 'own', tick(5), 3)
    checker.newSession(1)
    checker.event(1, 'own', tick(9), Date.now() + 1)
    checker.event(2, 'own', tick(5), 4)
    checker.event(2, 'own', tick(9), 5)
    checker.explainHoles([], new Set())
    expect(checker.figures).toMatchObject({ repeated: 0, holesAfterNewSession: 1, holes: 1 })
    expect(violations).toEqual(['events lost without a new session: client 2, own 6..8 of process a (between 4 and 5)'])
  })

  /** A checker that saw, for each [client, kind], numbers 1 at 1000 ms and 5 at 5000 ms: a hole of 2..4. */
  const holey = (streams: [number, string][]) => {
    const violations: string[] = []
    const checker = createEventChecker(violations)
    for (const [client, kind] of streams) {
      checker.event(client, kind, tick(1), 1000)
      checker.event(client, kind, tick(5), 5000)
    }
    return { checker, violations }
  }

  it('puts a hole down to a Redis freeze that overlaps it, and no other fault', () => {
    const { checker, violations } = holey([[0, 'tick'], [1, 'tick']])
    checker.explainHoles([{ kind: 'freeze', start: 2000, end: 3000 }, { kind: 'rst', start: 2000, end: 2000 }], new Set(['freeze']))
    expect(checker.figures).toMatchObject({ holesExplainedByRedis: 2, holes: 0 })
    checker.explainHoles([{ kind: 'rst', start: 2000, end: 2000 }], new Set(['freeze']))
    expect(violations).toHaveLength(2)
  })

  it('fails a tick or an own event lost across a graceful restart: every session store gives a waiting session each broadcast', () => {
    const { checker, violations } = holey([[0, 'tick'], [0, 'own']])
    checker.explainHoles([{ kind: 'restart', start: 2000, end: 2100 }], new Set(['freeze']))
    expect(checker.figures).toMatchObject({ holesExplainedByRedis: 0, holes: 2 })
    expect(violations).toEqual([
      'events lost without a new session: client 0, tick 2..4 of process a (between 1000 and 5000)',
      'events lost without a new session: client 0, own 2..4 of process a (between 1000 and 5000)',
    ])
  })
})

describe('checkPublishes', () => {
  it('fails a publish that settled after the Redis deadline plus grace, and one still pending', () => {
    const violations: string[] = []
    const limit = COMMAND_TIMEOUT + PUBLISH_GRACE
    const figures = checkPublishes([{ at: 0, ms: 0 }, { at: 1, ms: limit, error: 'no answer' }, { at: 2, ms: limit + 1 }], 3, violations)
    expect(figures).toMatchObject({ settled: 3, rejected: 1, slow: 1, pending: 3, slowestMs: limit + 1 })
    expect(violations).toEqual([`publish settled after ${limit + 1} ms (published)`, '3 publishes still pending at the end of the run'])
  })
})

describe('checkTopics', () => {
  it('accepts increasing seq, and a reset right after onGap', () => {
    const violations: string[] = []
    const events = [1, 2, 3].map((seq) => ({ client: 0, topic: 't', seq, at: seq }))
    checkTopics([...events, { client: 0, topic: 't', gap: true, at: 4 }, { client: 0, topic: 't', seq: 1, at: 5 }], violations)
    expect(violations).toEqual([])
  })

  it('fails a repeated seq and a hole without onGap', () => {
    const violations: string[] = []
    const figures = checkTopics([1, 2, 2, 5].map((seq, at) => ({ client: 0, topic: 't', seq, at })), violations)
    expect(figures).toMatchObject({ notIncreasing: 1, holesWithoutGap: 1 })
  })
})

describe('the seed', () => {
  it('gives the same schedule every time, and another seed another one', () => {
    const one = drawSchedule(seeded(7), 600_000, 15_000)
    expect(drawSchedule(seeded(7), 600_000, 15_000)).toEqual(one)
    expect(drawSchedule(seeded(8), 600_000, 15_000)).not.toEqual(one)
    expect(one.at(-1)!.at + one.at(-1)!.duration).toBeLessThan(600_000)
    expect(new Set(one.map((fault) => fault.kind)).size).toBe(8)
    const redis = drawSchedule(seeded(7), 600_000, 15_000, REDIS_FAULT_KINDS)
    expect(new Set(redis.map((fault) => fault.kind)).size).toBe(9)
  })

  it('peakRate counts the busiest second', () => {
    expect(peakRate([0, 100, 999, 1000, 1500, 3000])).toBe(3)
    expect(peakRate([0, 100, 999, 1000, 1500, 3000], 1000)).toBe(2)
  })
})
