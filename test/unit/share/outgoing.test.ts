// A tab's outgoing frames (src/share/outgoing.ts): numbered and chained, kept until a leader takes them,
// pending calls and recently taken calls and notifications sent again to a new leader.
import { describe, expect, it } from 'vitest'
import { createOutgoing, RECENT, type TabFrame } from '../../../src/share/outgoing'

function outgoing() {
  let time = 0
  let leader = true
  let seq = 0
  const posted: TabFrame[] = []
  const frames = createOutgoing((body) => {
    if (!leader) return false
    posted.push(body)
    return true
  }, () => time, () => ++seq)
  return {
    frames,
    /** The tab's next frame number (the tab takes it from its call table). */
    number: () => ++seq,
    posted,
    advance: (ms: number) => void (time += ms),
    leaderless: () => void (leader = false),
    seqs: () => posted.map((body) => [body.seq, body.prev]),
  }
}

describe('a tab\'s outgoing frames', () => {
  it('numbers frames and chains each to the one sent before it', () => {
    const { frames, number, seqs } = outgoing()
    frames.send({ kind: 'notify', seq: number(), method: 'a' })
    frames.send({ kind: 'send', seq: number(), data: 'x' })
    frames.sendOnce('volatile')
    frames.send({ kind: 'notify', seq: number(), method: 'b' })
    // The volatile send is chained too but is never the `prev` of another: it is not sent again.
    expect(seqs()).toEqual([[1, undefined], [2, 1], [3, 2], [4, 2]])
    expect(frames.queued).toBe(3)
  })

  it('gives a new leader what no leader took, recent calls and notifications, and pending calls, in order', () => {
    const { frames, number, posted, advance } = outgoing()
    const notify = (method: string) => frames.send({ kind: 'notify', seq: number(), method })
    notify('old')
    frames.taken(1)
    advance(RECENT + 1)
    notify('recent')
    frames.send({ kind: 'send', seq: number(), data: 'raw' })
    const call = { kind: 'call' as const, seq: number(), method: 'c' }
    frames.pending(call)
    frames.send(call)
    notify('untaken')
    for (const seq of [2, 3, 4]) frames.taken(seq)
    posted.length = 0
    frames.handover()
    frames.resend()
    // 1 is too old, 3 is a raw send (no key: it would run twice): neither goes again.
    expect(posted.map((body) => [body.seq, body.prev])).toEqual([[2, undefined], [4, 2], [5, 4]])
  })

  it('forgets an answered call, and keeps frames while there is no leader', () => {
    const { frames, number, posted, leaderless } = outgoing()
    const call = { kind: 'call' as const, seq: number(), method: 'c' }
    frames.pending(call)
    frames.send(call)
    frames.taken(1)
    frames.done(1)
    leaderless()
    frames.send({ kind: 'notify', seq: number(), method: 'n' })
    expect(frames.unsent(2)).toBe(true)
    posted.length = 0
    frames.handover()
    frames.resend()
    expect(posted).toEqual([])
    expect(frames.queued).toBe(1)
  })
})
