// @vitest-environment jsdom
// The gallery's toolbar (stories/lib/toolbar.ts) showed "up · 0 conn" next to an open client after
// Start: Start answers before the client is back, and the count waited for the next 2 s poll. It now
// asks again when the client opens or drops, and shows only the answer to its latest question.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createEmitter } from '../../../src/events'
import type { Client } from '../../../src/index'
import type { ServerStatus } from '../../../stories/lib/demo'

afterEach(() => {
  vi.useRealTimers()
  vi.unstubAllGlobals()
})

/** A fetch whose answers the test gives, in any order. */
function scriptedFetch() {
  const asked: Array<{ url: string; answer(status: ServerStatus): void }> = []
  vi.stubGlobal('fetch', (url: URL) => new Promise((resolve) => {
    asked.push({ url: String(url), answer: (status) => resolve({ ok: true, json: () => Promise.resolve(status) }) })
  }))
  return asked
}

/** Enough of a client for the toolbar: state, queued, lifecycle events. */
function fakeClient() {
  const events = createEmitter<Record<string, (...args: unknown[]) => void>>(() => {})
  const client = { state: 'open', queued: 0, on: events.on, close() {}, reconnect() {}, notify() {} }
  return { client: client as unknown as Client<never>, emit: events.emit }
}

/** The toolbar over a fake client and a scripted fetch; `server()` is its server status text. */
async function mount() {
  vi.useFakeTimers()
  const asked = scriptedFetch()
  const { toolbar } = await import('../../../stories/lib/toolbar')
  const { client, emit } = fakeClient()
  const bar = toolbar(client as never)
  return { asked, emit, bar, server: () => bar.querySelector('[data-testid=server]')?.textContent }
}

describe('the gallery toolbar', () => {
  it('counts the connections again when the client opens after Start', async () => {
    const { asked, emit, bar, server } = await mount()
    asked[0]?.answer({ up: true, connections: 1, blackholed: 0 })
    await vi.waitFor(() => expect(server()).toBe('up · 1 conn'))
    // Stop, then Start: Start's answer comes before the client reconnected.
    ;(bar.querySelector('[data-action=start]') as HTMLButtonElement).click()
    asked.at(-1)?.answer({ up: true, connections: 0, blackholed: 0 })
    await vi.waitFor(() => expect(server()).toBe('up · 0 conn'))
    emit('open')
    expect(asked.at(-1)?.url).toContain('/control/status')
    asked.at(-1)?.answer({ up: true, connections: 1, blackholed: 0 })
    await vi.waitFor(() => expect(server()).toBe('up · 1 conn'))
  })

  it('shows only the answer to its latest question: a late poll does not put back an old count', async () => {
    const { asked, emit, server } = await mount()
    const first = asked[0]
    emit('open')
    asked.at(-1)?.answer({ up: true, connections: 1, blackholed: 0 })
    await vi.waitFor(() => expect(server()).toBe('up · 1 conn'))
    first?.answer({ up: true, connections: 0, blackholed: 0 })
    await Promise.resolve()
    await Promise.resolve()
    expect(server()).toBe('up · 1 conn')
  })
})
