/**
 * `share` across a server restart without a shared history (the in-memory default): the new server
 * numbers each topic from 1 again under a new `epoch`. A tab's cursor counts in the numbering the
 * leader's client was in, and a new leader must hand both to the server, or the new numbering's first
 * messages look like ones the tabs have seen (docs/delivery.md, docs/sharing.md "Leader hand-over").
 */
import { describe, expect, it, vi } from 'vitest'
import type { Server } from '../../../src/server'
import { deferred, start, url } from '../server/helpers'
import { patient } from '../../helpers/wait'
import { createTabs, followersSubscribed, type TestTab } from './tabs'

/** Where the tabs connect: a provider, so that a test can hold new sockets until the next server is up. */
function switchboard(server: Server) {
  let address: string | Promise<string> = url(server)
  return {
    provider: () => address,
    /** New sockets wait from now on, until `to` sends them to the new server (a load balancer's part). */
    hold() {
      const next = deferred<string>()
      address = next.promise
      return { to: (restarted: Server) => next.resolve(url(restarted)) }
    },
  }
}

/** Publishes in order, each once the server numbered it. */
async function publish(server: Server, ...messages: string[]) {
  for (const message of messages) await server.publish('feed', message)
}

/** The tab that will lead when the current leader goes: the next one in the leader lock's queue. */
function nextLeader(tabs: TestTab[], queue: string[]) {
  return tabs.find((t) => t.tab.id === queue[1])!
}

describe('share: a server restart without a shared history', () => {
  it('gives every tab the new numbering from its first message when the leader changes across the restart', async () => {
    const first = await start()
    const board = switchboard(first)
    const { open } = createTabs(board.provider)
    const { leader, survivors, got, gaps } = await followersSubscribed(open, 'feed')
    await publish(first, 'old 1', 'old 2', 'old 3')
    await vi.waitFor(() => expect(got.map((list) => list.length)).toEqual([3, 3]), patient)

    // The leader tab dies as the server restarts; the next leader's socket reaches only the new server,
    // which has by then published more on the topic than the tabs saw of the old one (seq 1 to 5 > 3).
    const restart = board.hold()
    leader.crash()
    await first.close()
    await vi.waitFor(() => expect(survivors.map((t) => t.client.role)).toContain('leader'), patient)
    const second = await start()
    await publish(second, 'new 1', 'new 2', 'new 3', 'new 4', 'new 5')
    restart.to(second)
    await publish(second, 'new 6')
    await vi.waitFor(() => expect(got.map((list) => list.at(-1))).toEqual(['new 6', 'new 6']), patient)

    const everything = ['old 1', 'old 2', 'old 3', 'new 1', 'new 2', 'new 3', 'new 4', 'new 5', 'new 6']
    expect(got).toEqual([everything, everything])
    // Each tab is told once that the old numbering's unseen messages (none here) may be lost.
    expect(gaps.sort()).toEqual([0, 1])
    expect(survivors.flatMap((t) => t.errors)).toEqual([])
  })

  it("keeps each tab's cursor in the numbering it counts in: hand-overs after the leader's own restart deliver each message once", async () => {
    const first = await start()
    const board = switchboard(first)
    const { open, browser } = createTabs(board.provider)
    const tabs = [open(), open(), open()]
    await Promise.all(tabs.map((t) => t.client.ready()))
    const key = 'lifeline-ws:provider:default'
    const [leader, next] = [tabs.find((t) => t.client.role === 'leader')!, nextLeader(tabs, browser.queue(key))]
    const last = tabs.find((t) => t !== leader && t !== next)!
    const got = new Map<TestTab, unknown[]>([[next, []], [last, []]])
    const gaps: TestTab[] = []
    const subscribe = (t: TestTab) => t.client.subscribe('feed', (data) => got.get(t)!.push(data), { onGap: () => gaps.push(t) }).ready
    // The leader's own tab and the next leader hold the topic before the restart, the last tab joins after it.
    await Promise.all([leader.client.subscribe('feed').ready, subscribe(next)])
    await publish(first, 'old 1', 'old 2', 'old 3')
    await vi.waitFor(() => expect(got.get(next)).toHaveLength(3), patient)

    // The server restarts and the leader survives it: its client starts the new numbering from 0 (a gap).
    const restart = board.hold()
    await first.close()
    const second = await start()
    await publish(second, 'new 1', 'new 2', 'new 3', 'new 4', 'new 5')
    restart.to(second)
    await vi.waitFor(() => expect(got.get(next)).toHaveLength(8), patient)
    await subscribe(last)
    await publish(second, 'new 6')
    await vi.waitFor(() => expect([...got.values()].map((list) => list.at(-1))).toEqual(['new 6', 'new 6']), patient)

    // Two hand-overs, the server staying: first to the tab that was told of the new numbering with the
    // gap, then to the tab that joined in it. Each resubscribes with a cursor and epoch of that numbering.
    leader.crash()
    await publish(second, 'new 7')
    await vi.waitFor(() => expect(next.client.role).toBe('leader'), patient)
    await vi.waitFor(() => expect([...got.values()].map((list) => list.at(-1))).toEqual(['new 7', 'new 7']), patient)
    next.crash()
    await publish(second, 'new 8')
    await vi.waitFor(() => expect(last.client.role).toBe('leader'), patient)
    await vi.waitFor(() => expect(got.get(last)!.at(-1)).toBe('new 8'), patient)
    await publish(second, 'new 9')
    await vi.waitFor(() => expect(got.get(last)!.at(-1)).toBe('new 9'), patient)

    expect(got.get(next)).toEqual(['old 1', 'old 2', 'old 3', 'new 1', 'new 2', 'new 3', 'new 4', 'new 5', 'new 6', 'new 7'])
    expect(got.get(last)).toEqual(['new 6', 'new 7', 'new 8', 'new 9'])
    // Only the restart under the first leader lost a numbering; neither hand-over did.
    expect(gaps).toEqual([next])
    // (A crashed tab's client, still running in this process, reports its dead channel: not counted.)
    expect(last.errors).toEqual([])
  })
})
