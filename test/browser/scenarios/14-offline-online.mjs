// The network goes away and comes back (Network.emulateNetworkConditions, which also fires the
// page's offline and online events). With a backoff far longer than the test (first retry after
// 30 s or more), the client must reconnect as soon as `online` fires, not when the backoff ends.
// Chromium only (CDP).
import { startLifeline } from '../lib/peers.mjs'
import { assert, assertEqual } from '../lib/util.mjs'

const BACKOFF = 30_000

export default {
  title: 'offline then online: reconnects on the online event, not after the backoff',
  engines: ['chromium'],
  async run({ open, web, defer }) {
    const peer = await startLifeline({ allowedOrigins: [web.origin], methods: { echo: (params) => params } })
    defer(() => peer.close())
    const page = await open(web.url('/pages/umd.html'))
    await page.evaluate(async ({ url, backoff }) => {
      window.network = []
      window.addEventListener('offline', () => window.network.push('offline'))
      window.addEventListener('online', () => window.network.push('online'))
      const client = window.watch(window.Lifeline.createClient(url, {
        heartbeat: { interval: 1000, timeout: 1000 },
        reconnect: { initialDelay: backoff, maxDelay: backoff, jitter: 0 },
      }))
      await client.ready()
    }, { url: peer.url, backoff: BACKOFF })

    const conditions = { latency: 0, downloadThroughput: -1, uploadThroughput: -1 }
    await page.cdp('Network.enable')
    await page.cdp('Network.emulateNetworkConditions', { ...conditions, offline: true })
    // The heartbeat (probing at once on `offline`) finds the socket dead; the client waits for `online`.
    await page.waitFor(() => window.client.state === 'reconnecting', undefined, { timeout: 15_000, what: 'the client to notice the network is gone' })
    await page.cdp('Network.emulateNetworkConditions', { ...conditions, offline: false })
    const backAt = Date.now()
    await page.waitFor(() => window.client.state === 'open', undefined, { timeout: BACKOFF / 2, what: 'a reconnect on the online event, well before the backoff' })
    assert(Date.now() - backAt < BACKOFF, 'reconnected before the backoff would have let it')
    assertEqual(await page.evaluate(() => window.client.call('echo', { again: true })), { again: true }, 'a call after coming back')
    const network = await page.evaluate(() => window.network)
    assert(network.includes('offline') && network.includes('online'), `the page saw offline and online: ${network.join(' ')}`)
  },
}
