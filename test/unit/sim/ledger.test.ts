import { describe, expect, it } from 'vitest'
import { Findings } from '../../sim/check/findings'
import { Ledger, keyOf, type FrameKind } from '../../sim/check/ledger'

/** A ledger on a hand-moved clock, and the kinds of what it found. */
function ledger() {
  let now = 0
  const findings = new Findings(() => ({ at: now, step: 0 }))
  const book = new Ledger(findings, () => now)
  const issue = (n: number, kind: FrameKind = 'note', c = 0) => book.issue({ c, n, kind, resend: false, keyed: false, timeout: 1000 })
  return {
    book,
    issue,
    at: (time: number) => {
      now = time
    },
    found: () => findings.all.map((finding) => finding.kind),
  }
}

const typed = (name: string, extra: object = {}) => Object.assign(new Error(name), { name, ...extra })

describe('the ledger', () => {
  it('passes frames that run once, in order, answered rightly', () => {
    const { book, issue, found } = ledger()
    const call = issue(1, 'work')
    issue(2)
    book.ran('s0#1', 0, 1, 'work')
    book.ran('s0#1', 0, 2, 'note')
    book.settled(call, true, { c: 0, n: 1 })
    expect(found()).toEqual([])
  })

  it('finds a frame run twice, and one run out of order', () => {
    const { book, issue, found } = ledger()
    issue(1)
    issue(2)
    book.ran('s0#1', 0, 2, 'note')
    book.ran('s0#1', 0, 1, 'note')
    book.ran('s0#2', 0, 1, 'note')
    expect(found()).toEqual(['order', 'duplicate'])
  })

  it('lets a session loss explain a second run of a frame issued before it', () => {
    const { book, issue, found, at } = ledger()
    book.session(0, 'a', false, () => undefined)
    issue(1)
    book.ran('s0#1', 0, 1, 'note')
    at(10)
    book.session(0, 'b', false, () => 'crash')
    book.ran('s0#2', 0, 1, 'note')
    expect(found()).toEqual([])
  })

  it('finds a session loss nothing explains', () => {
    const { book, found } = ledger()
    book.session(0, 'a', false, () => undefined)
    book.session(0, 'a', true, () => undefined)
    book.session(0, 'b', false, () => undefined)
    expect(found()).toEqual(['session-lost'])
  })

  it('finds a drop report for a frame that ran, either way round, but believes reason unknown', () => {
    const { book, issue, found } = ledger()
    issue(1)
    issue(2)
    issue(3)
    book.ran('s0#1', 0, 1, 'note')
    book.dropped(0, ['{"jsonrpc":"2.0","method":"note","params":{"c":0,"n":1}}'], 'expired')
    book.dropped(0, ['{"jsonrpc":"2.0","method":"note","params":{"c":0,"n":2}}'], 'overflow')
    book.ran('s0#1', 0, 2, 'note')
    book.dropped(0, ['{"jsonrpc":"2.0","method":"note","params":{"c":0,"n":3}}'], 'unknown')
    book.ran('s0#1', 0, 3, 'note')
    expect(found()).toEqual(['drop-lie', 'drop-lie'])
  })

  it('finds a wrong answer, an answer nobody ran, an untyped rejection and a timeout that lies', () => {
    const { book, issue, found } = ledger()
    const wrong = issue(1, 'work')
    book.ran('s0#1', 0, 1, 'work')
    book.settled(wrong, true, { c: 0, n: 2 })
    book.settled(issue(2, 'work'), true, { c: 0, n: 2 })
    book.settled(issue(3, 'work'), false, 'a bare string')
    const unsent = issue(4, 'work')
    book.ran('s0#1', 0, 4, 'work')
    book.settled(unsent, false, typed('TimeoutError', { sent: false }))
    expect(found()).toEqual(['wrong-answer', 'phantom-answer', 'untyped', 'timeout-lie'])
  })

  it('finds an answer that overtook the event sent ahead of it', () => {
    const { book, issue, found } = ledger()
    const poke = issue(1, 'poke')
    book.ran('s0#1', 0, 1, 'poke')
    book.settled(poke, true, { c: 0, n: 1 })
    expect(found()).toEqual(['event-after-answer'])
  })

  it('finds a broadcast delivered twice, and out of order from one origin (not across origins)', () => {
    const { book, found } = ledger()
    book.tick(0, 1, 's0#1')
    book.tick(0, 3, 's1#1')
    book.tick(0, 2, 's0#1')
    expect(found()).toEqual([])
    book.tick(0, 2, 's0#1')
    book.tick(0, 5, 's0#1')
    book.tick(0, 4, 's0#1')
    expect(found()).toEqual(['event-duplicate', 'event-order'])
  })

  it('finds a topic hole without onGap once the subscription is confirmed', () => {
    const { book, found } = ledger()
    const view = book.client(0)
    view.topics.set('alpha', { ready: false, last: undefined, gap: false })
    book.topicMessage(0, 'alpha', 9)
    view.topics.get('alpha')!.ready = true
    book.topicMessage(0, 'alpha', 3)
    book.topicMessage(0, 'alpha', 4)
    book.topicGap(0, 'alpha')
    book.topicMessage(0, 'alpha', 8)
    expect(found()).toEqual([])
    book.topicMessage(0, 'alpha', 10)
    expect(found()).toEqual(['topic-hole'])
  })

  it('reads the frame key back from an encoded frame', () => {
    expect(keyOf('{"jsonrpc":"2.0","id":4,"method":"work","params":{"c":2,"n":17,"ms":3},"once":["c2",17]}')).toEqual({ c: 2, n: 17 })
    expect(keyOf('{"jsonrpc":"2.0","method":"rpc.ping"}')).toBeUndefined()
  })
})
