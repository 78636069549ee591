// A graceful restart with the client kept away: two servers one after the other on one port, each with
// its session store (the same one, or two on one shared backend, as two processes have), and a real client
// behind the fault proxy, which refuses it while the first server closes. Its session waits in the store
// until the test lets the client back with `proxy.set('pass')`. For the tests of broadcasts to a session
// waiting in the store (docs/delivery.md), in memory and on Redis.
import { expect, vi } from 'vitest'
import type { SessionStore } from '../../../src/server'
import { createFaultProxy } from '../../helpers/fault-proxy'
import { patient } from '../../helpers/wait'
import { client } from '../server/client-helper'
import { cleanup, start } from '../server/helpers'

/** The numbers 0..n-1, what n ticks must arrive as. */
export const upTo = (n: number) => Array.from({ length: n }, (_, i) => i)

/** A client of `url` with a session (open once this resolves): the `tick` numbers it got, and each `session` event's `resumed`. */
export async function tickClient(url: string) {
  const c = client(url)
  const got: number[] = []
  const sessions: boolean[] = []
  c.listen('tick', (p) => void got.push((p as { n: number }).n))
  c.on('session', ({ resumed }) => sessions.push(resumed))
  await vi.waitFor(() => expect(sessions).toEqual([false]), patient)
  return { c, got, sessions }
}

/**
 * The first server broadcasts ticks 0..9 (received), the client is kept away and the first server closes
 * (its session goes to `firstStore`), and the second server starts on the port with `secondStore`.
 */
export async function restartWithClientAway(firstStore: SessionStore, secondStore: SessionStore = firstStore) {
  const first = await start({ sessions: { store: firstStore } })
  const port = first.port!
  const proxy = await createFaultProxy(port)
  cleanup(() => proxy.close())
  const { c, got, sessions } = await tickClient(proxy.url())
  for (let n = 0; n < 10; n++) first.broadcast('tick', { n })
  await vi.waitFor(() => expect(got).toEqual(upTo(10)), patient)
  // The client cannot come back until the proxy lets it: its session waits in the store.
  proxy.set('refuse')
  await first.close()
  const second = await start({ sessions: { store: secondStore } }, port)
  return { second, proxy, c, got, sessions }
}

/**
 * The next server broadcasts ticks 10..29 while the client is away and 30..39 once it resumed: the client
 * must get 0..39, each once and in order, with its session resumed.
 */
export async function expectEveryBroadcastOnce(firstStore: SessionStore, secondStore: SessionStore = firstStore) {
  const { second, proxy, got, sessions } = await restartWithClientAway(firstStore, secondStore)
  for (let n = 10; n < 30; n++) second.broadcast('tick', { n })
  proxy.set('pass')
  await vi.waitFor(() => expect(sessions).toEqual([false, true]), patient)
  for (let n = 30; n < 40; n++) second.broadcast('tick', { n })
  await vi.waitFor(() => expect(got.length).toBeGreaterThanOrEqual(40), patient)
  expect(got).toEqual(upTo(40))
}
