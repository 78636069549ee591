/**
 * `share` when a message between tabs is lost (Firefox lost one now and then in a follower's burst to
 * a background leader tab): the hub never counts a frame as taken because a later one was, so every
 * frame a tab sent runs exactly once and in order, on the same leader or across a hand-over.
 */
import { describe, expect, it } from 'vitest'
import { createFakeBrowser } from '../../helpers/fake-tabs'
import { FakeSocket } from '../../helpers/fake-socket'
import { frames, serve, settle, tab } from './harness'

/** The `n` of each `note` the socket got, in order. */
const notes = (socket: FakeSocket) => frames(socket).filter((frame) => frame.method === 'note').map((frame) => (frame.params as { n: number }).n)
/** Picks the follower's message carrying note `n`. */
const note = (n: number) => (message: unknown) => {
  const { kind, params } = message as { kind?: string; params?: { n?: number } }
  return kind === 'notify' && params?.n === n
}

describe('share: a lost message between tabs', () => {
  it('takes nothing after the gap and has the tab send again: each note once, in order', async () => {
    const browser = createFakeBrowser()
    tab(browser)
    await settle()
    const socket = await serve()
    const follower = tab(browser)
    await settle()
    browser.lose(note(3))
    for (let n = 1; n <= 6; n++) follower.client.notify('note', { n })
    await settle(10)
    expect(notes(socket)).toEqual([1, 2, 3, 4, 5, 6])
    expect(follower.client.queued).toBe(0)
    expect(follower.errors).toEqual([])
  })

  it('sends a lost note on the new leader when the old one dies before the tab sent it again', async () => {
    const browser = createFakeBrowser()
    const first = tab(browser)
    await settle()
    const old = await serve()
    const follower = tab(browser)
    await settle()
    browser.lose(note(3))
    // The leader's request to send again is lost too, and the leader dies: the new one must not skip note 3.
    browser.lose((message) => (message as { kind?: string }).kind === 'again')
    for (let n = 1; n <= 6; n++) follower.client.notify('note', { n })
    await settle(1)
    browser.crash(first.fake)
    await settle()
    expect(follower.client.role).toBe('leader')
    const next = await serve(FakeSocket.last)
    expect(next).not.toBe(old)
    await settle()
    // The old socket ran what came before the gap; the rest runs once on the new one, in order.
    expect([...notes(old), ...notes(next)]).toEqual([1, 2, 3, 4, 5, 6])
    expect(notes(old)).toEqual([1, 2])
    expect(follower.client.queued).toBe(0)
  })
})
