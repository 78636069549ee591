// A background tab on a slow CPU: hidden (visibilitychange), its CPU throttled 20 times
// (Emulation.setCPUThrottlingRate), for 20 s, with a short heartbeat. The socket is healthy the
// whole time (the server answers), so the client must never declare it dead: one socket from
// start to end, no 'heartbeat timeout' close, and calls still answered. Chromium only (CDP).
import { startLifeline } from '../lib/peers.mjs'
import { assert, assertEqual } from '../lib/util.mjs'

const THROTTLED = 20_000

export default {
  title: 'throttled hidden tab: never declared dead while its socket is healthy',
  engines: ['chromium'],
  async run({ open, web, defer }) {
    const peer = await startLifeline({ allowedOrigins: [web.origin], methods: { echo: (params) => params } })
    defer(() => peer.close())
    const page = await open(web.url('/pages/umd.html'))
    await page.evaluate(async (url) => {
      const client = window.watch(window.Lifeline.createClient(url, { heartbeat: { interval: 1000, timeout: 1000 } }))
      client.on('close', (info) => window.events.push(`reason:${info.reason}`))
      await client.ready()
      // The tab goes to the background, as far as the page can tell.
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' })
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => true })
      document.dispatchEvent(new window.Event('visibilitychange'))
      // Busy main thread on top of the throttling: a long task every 200 ms.
      window.busy = setInterval(() => {
        const end = performance.now() + 20
        while (performance.now() < end);
      }, 200)
    }, peer.url)
    await page.cdp('Emulation.setCPUThrottlingRate', { rate: 20 })
    await new Promise((resolve) => setTimeout(resolve, THROTTLED))
    await page.cdp('Emulation.setCPUThrottlingRate', { rate: 1 })
    const answer = await page.evaluate(async () => {
      clearInterval(window.busy)
      return window.client.call('echo', { alive: true })
    })
    assertEqual(answer, { alive: true }, 'a call after the throttled spell')
    const events = await page.evaluate(() => window.events)
    assert(!events.some((event) => event.startsWith('close:') || event.startsWith('reason:')), `the socket was never closed: ${events.join(' ')}`)
    assertEqual(events.filter((event) => event === 'state:open').length, 1, `one socket throughout: ${events.join(' ')}`)
  },
}
