// Shared tabs across a server restart without a shared history (docs/sharing.md, "A cursor goes with
// its numbering"): three tabs share one socket, two of them subscribe to a topic and get three messages.
// The server stops; while it is down the leader tab closes, and the tab that takes the lead can only
// reach the new server, whose in-memory history numbers the topic from 1 again and which has already
// published five messages on it (more than the tabs saw of the old one) before it listens. By numbers
// alone, the new leader would take the first three for seen ones; with the numbering's epoch handed
// over with the tabs' cursor, every subscribing tab gets all five, and the next, once, in order.
import { startLifeline } from '../lib/peers.mjs'
import { assertEqual, until } from '../lib/util.mjs'

const TABS = 3

export default {
  title: 'shared tabs: the leader changes across a server restart without a shared history',
  async run({ open, web, defer }) {
    const first = await startLifeline({ allowedOrigins: [web.origin] })
    defer(() => first.close())
    const url = web.url('/pages/umd.html')

    // Runs in a tab: the shared client, the topic's messages and gaps, and what went wrong.
    const start = ({ url: socketUrl, tab }) => {
      window.tab = tab
      const client = window.watch(window.Lifeline.createClient(socketUrl, { share: true, reconnect: { initialDelay: 50, maxDelay: 250 } }))
      window.errors = []
      // A new leader's client that has not opened yet reports its refused attempts (the server is down).
      client.on('error', (err) => err?.name !== 'ConnectError' && window.errors.push(`${err?.name}: ${err?.message}`))
      return client.role
    }
    const tabs = [await open(url)]
    for (let i = 1; i < TABS; i++) tabs.push(await tabs[0].openTab(url))
    for (const [i, page] of tabs.entries()) {
      await page.evaluate(start, { url: first.url, tab: i })
      await page.waitFor(() => window.client.state === 'open', undefined, { what: `tab ${i}'s client to open` })
    }
    let roles = []
    await until(async () => {
      roles = await Promise.all(tabs.map((page) => page.evaluate(() => window.client.role)))
      return roles.filter((role) => role === 'leader').length === 1 && roles.every((role) => role === 'leader' || role === 'follower')
    }, 10_000, 'one leader and the rest followers')
    const leader = tabs[roles.indexOf('leader')]
    const survivors = tabs.filter((page) => page !== leader)
    for (const page of survivors) {
      await page.evaluate(async () => {
        window.feed = []
        window.gaps = 0
        await window.client.subscribe('feed', (m) => window.feed.push(m), { onGap: () => window.gaps++ }).ready
      })
    }
    const feeds = () => Promise.all(survivors.map((page) => page.evaluate(() => window.feed)))
    const old = ['old 1', 'old 2', 'old 3']
    for (const message of old) await first.server.publish('feed', message)
    await until(async () => (await feeds()).every((feed) => feed.length === old.length), 10_000, 'the old server\'s messages in both subscribing tabs')

    // Down: the leader's socket retries a port nobody listens on. Then the leader tab closes, and the next
    // leader's first socket can only reach the new server.
    await first.close()
    await leader.close()
    await until(async () => (await Promise.all(survivors.map((page) => page.evaluate(() => window.client.role)))).includes('leader'), 10_000, 'a surviving tab to take the lead')
    const fresh = ['new 1', 'new 2', 'new 3', 'new 4', 'new 5']
    const second = await startLifeline({
      port: first.port,
      allowedOrigins: [web.origin],
      beforeListen: async (server) => {
        for (const message of fresh) await server.publish('feed', message)
      },
    })
    defer(() => second.close())
    await until(async () => (await feeds()).every((feed) => feed.at(-1) === 'new 5'), 15_000, 'the new server\'s messages in both subscribing tabs')
    await second.server.publish('feed', 'new 6')
    await until(async () => (await feeds()).every((feed) => feed.at(-1) === 'new 6'), 10_000, 'a live message after the hand-over')
    // One more round trip through every tab before counting, so a late duplicate would have come.
    for (const page of survivors) await page.evaluate(() => window.client.call('rpc.ping').catch(() => {}))

    for (const page of survivors) {
      const tab = await page.evaluate(() => window.tab)
      assertEqual(await page.evaluate(() => window.feed), [...old, ...fresh, 'new 6'], `messages in tab ${tab} (each once, in order)`)
      assertEqual(await page.evaluate(() => window.gaps), 1, `onGap calls in tab ${tab} (the old numbering ended once)`)
      assertEqual(await page.evaluate(() => window.errors), [], `error events in tab ${tab}`)
    }
    assertEqual(second.server.stats.connections, 1, 'connections to the new server')
  },
}
