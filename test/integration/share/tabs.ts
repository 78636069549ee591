// Tabs of one origin sharing one connection to a real lifeline-ws/server: each tab is a shared client
// with the fake locks and channels of one FakeBrowser, and a WebSocket class of its own so that a
// crashed tab's sockets die with it.
import WebSocket from 'ws'
import { createClient, type Client, type ClientOptions, type WebSocketConstructor } from '../../../src/share'
import { createFakeBrowser, type FakeBrowser, type FakeTab } from '../../helpers/fake-tabs'
import { first } from '../server/helpers'

export interface TestTab {
  tab: FakeTab
  client: Client
  errors: unknown[]
  /** Gone without a goodbye: locks released, channels and sockets dead, its client never heard again. */
  crash(): void
  /** The sockets this tab opened, oldest first. */
  sockets: WebSocket[]
}

/** `url` may be a provider, called before each attempt: a test can hold a new leader's socket until a new server is up. */
export function createTabs(url: Parameters<typeof createClient>[0], options: ClientOptions = {}) {
  const browser: FakeBrowser = createFakeBrowser()
  const open = (): TestTab => {
    const tab = browser.tab()
    const sockets: WebSocket[] = []
    let crashed = false
    class TabWebSocket extends WebSocket {
      constructor(...args: ConstructorParameters<typeof WebSocket>) {
        if (crashed) throw new Error('this tab crashed')
        super(...args)
        sockets.push(this)
      }
    }
    const client = createClient(url, {
      WebSocket: TabWebSocket as unknown as WebSocketConstructor,
      reconnect: { backoff: () => 50 },
      share: true,
      ...options,
      environment: { locks: tab.locks, BroadcastChannel: tab.BroadcastChannel, localStorage: tab.localStorage, ...options.environment },
    })
    const errors: unknown[] = []
    client.on('error', (err) => errors.push(err))
    first(() => client.close())
    return {
      tab,
      client,
      errors,
      sockets,
      crash() {
        crashed = true
        browser.crash(tab)
        for (const socket of sockets) socket.terminate()
      },
    }
  }
  return { browser, open }
}

/**
 * Three tabs, ready; the two that do not lead subscribe to `topic`. `got[n]` and `gaps` (survivor
 * indexes) are what each survivor's handler and `onGap` saw.
 */
export async function followersSubscribed(open: () => TestTab, topic: string) {
  const tabs = [open(), open(), open()]
  await Promise.all(tabs.map((t) => t.client.ready()))
  const leader = tabs.find((t) => t.client.role === 'leader')!
  const survivors = tabs.filter((t) => t !== leader)
  const got = survivors.map(() => [] as unknown[])
  const gaps: number[] = []
  const subs = survivors.map((t, n) => t.client.subscribe(topic, (data) => got[n]!.push(data), { onGap: () => gaps.push(n) }))
  await Promise.all(subs.map((sub) => sub.ready))
  return { tabs, leader, survivors, got, gaps }
}
