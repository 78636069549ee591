// The history checker must catch what it claims to catch: each rule is fed a history that breaks it.
import { describe, expect, it } from 'vitest'
import { checkCalls, checkNotes, checkTopics, GRACE, peakRate, SESSION_TTL } from './checker'
import type { NoteRecord } from './child'
import { seeded } from './prng'
import { drawSchedule } from './schedule'

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

  it('puts a duplicate delivered to two server processes down to the kill between them, even if its IPC record came late', () => {
    const violations: string[] = []
    const received = [record(0, 1, 101), record(0, 2, 501, 1), record(0, 2, 700, 2), record(0, 3, 701, 2), record(0, 4, 702, 2)]
    const figures = checkNotes(sent, received, [{ kind: 'kill', start: 500, end: 600 }], violations)
    expect(figures).toMatchObject({ duplicates: 0, duplicatesExplainedByKill: 1 })
    expect(violations).toEqual([])
  })

  it('puts a duplicate in a new session, more than the session ttl later, down to the expired session', () => {
    const violations: string[] = []
    const inSession = (n: number, at: number, session: string): NoteRecord => ({ client: 0, n, at, life: 1, session })
    const expired = [inSession(1, 101, 'old'), inSession(2, 201, 'old'), inSession(2, 201 + SESSION_TTL + 1, 'new'), inSession(3, 202 + SESSION_TTL, 'new'), inSession(4, 203 + SESSION_TTL, 'new')]
    expect(checkNotes(sent, expired, [], violations)).toMatchObject({ duplicates: 0, duplicatesExplainedByExpiry: 1 })
    expect(violations).toEqual([])
    // Sooner than the ttl, or within one session, a second delivery is a bug.
    const soon = [inSession(1, 101, 'old'), inSession(2, 201, 'old'), inSession(2, 5000, 'new'), inSession(3, 5001, 'new'), inSession(4, 5002, 'new')]
    expect(checkNotes(sent, soon, [], violations)).toMatchObject({ duplicates: 1, duplicatesExplainedByExpiry: 0 })
    const same = [inSession(1, 101, 's'), inSession(2, 201, 's'), inSession(2, 201 + SESSION_TTL + 1, 's'), inSession(3, 202 + SESSION_TTL, 's'), inSession(4, 203 + SESSION_TTL, 's')]
    expect(checkNotes(sent, same, [], violations)).toMatchObject({ duplicates: 1, duplicatesExplainedByExpiry: 0 })
    expect(violations).toHaveLength(2)
  })

  it('counts what a SIGKILL explains apart, and accepts drops', () => {
    const violations: string[] = []
    const notes = [...sent.slice(0, 3), { client: 0, n: 4, issuedAt: 400, dropped: 'overflow' }]
    const received = [record(0, 1, 101), record(0, 1, 600, 2), record(0, 3, 601, 2)]
    const figures = checkNotes(notes, received, [{ kind: 'kill', start: 500, end: 550 }], violations)
    expect(figures).toMatchObject({ duplicates: 0, duplicatesExplainedByKill: 1, lost: 0, lostExplainedByKill: 1, dropped: { overflow: 1 } })
    expect(violations).toEqual([])
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
  })

  it('peakRate counts the busiest second', () => {
    expect(peakRate([0, 100, 999, 1000, 1500, 3000])).toBe(3)
    expect(peakRate([0, 100, 999, 1000, 1500, 3000], 1000)).toBe(2)
  })
})
