import { describe, expect, it } from 'vitest'
import { countedFrame, whenCounted } from '../../../src/server/messages/counted'
import type { Session } from '../../../src/server/sessions/session'

/** A session whose count answers at once (no journal), or when the test says (a journal's reply). */
function fakeSession(answerAtOnce: boolean | undefined) {
  const starts: number[] = []
  let reply: ((ok: boolean) => void) | undefined
  const session = {
    startInbound(position: number, _epoch: number, _answers: boolean, counted: (ok: boolean) => void) {
      starts.push(position)
      if (answerAtOnce === undefined) reply = counted
      else counted(answerAtOnce)
    },
  } as unknown as Session
  return { session, starts, reply: (ok: boolean) => reply!(ok) }
}

describe("a tracked frame's count", () => {
  it('runs its messages at once when the count answers at once, and starts the frame once', () => {
    const { session, starts } = fakeSession(true)
    const frame = countedFrame(session, { position: 3, epoch: 0 }, true)
    expect(frame.started).toBe(false)
    expect(whenCounted(frame, () => () => ({}))).toBeTypeOf('function')
    expect(whenCounted(frame, () => undefined)).toBeUndefined()
    expect([starts, frame.started]).toEqual([[3], true])
  })

  it("waits for the journal's reply, then runs every message of the frame in the order they asked", async () => {
    const { session, starts, reply } = fakeSession(undefined)
    const frame = countedFrame(session, { position: 1, epoch: 0 }, true)
    const ran: string[] = []
    const made = ['a', 'b', 'c'].map((name) => whenCounted(frame, () => {
      ran.push(name)
      return undefined
    }))
    expect([ran, starts]).toEqual([[], [1]])
    expect(made.every((one) => one instanceof Promise)).toBe(true)
    reply(true)
    await Promise.all(made)
    expect(ran).toEqual(['a', 'b', 'c'])
    // Once counted, a later message runs at once.
    void whenCounted(frame, () => {
      ran.push('d')
      return undefined
    })
    expect(ran).toEqual(['a', 'b', 'c', 'd'])
  })

  it('runs nothing when the count refuses it (a failed journal, or its connection went), and does not count as started', async () => {
    const { session, reply } = fakeSession(undefined)
    const frame = countedFrame(session, { position: 1, epoch: 0 }, true)
    let ran = false
    const pending = [whenCounted(frame, () => { ran = true; return undefined }), whenCounted(frame, () => { ran = true; return undefined })]
    reply(false)
    expect(await Promise.all(pending)).toEqual([undefined, undefined])
    expect([ran, frame.started]).toEqual([false, false])
    const refused = countedFrame(fakeSession(false).session, { position: 2, epoch: 0 }, true)
    expect(whenCounted(refused, () => { ran = true; return undefined })).toBeUndefined()
    expect([ran, refused.started]).toEqual([false, false])
  })
})
