// A tab frozen by the browser (Page.setWebLifecycleState: what Chrome does to background tabs
// to save power) for 25 s, then resumed. While frozen no script runs, no timer fires; the socket
// stays up in the network stack. On resume the client must be working again within one heartbeat
// (interval + timeout) and have lost nothing it queued: every notification written before and
// right after the freeze reaches the server once, in order. Chromium only (CDP). The freeze is
// 25 s, not a minute, because a scenario has 60 s.
import { startLifeline } from '../lib/peers.mjs'
import { assert, assertEqual, until } from '../lib/util.mjs'

const FROZEN = 25_000
const HEARTBEAT = { interval: 2000, timeout: 2000 }

export default {
  title: 'frozen tab (25 s): recovers within one heartbeat, loses nothing queued',
  engines: ['chromium'],
  async run({ open, web, defer }) {
    const received = []
    const peer = await startLifeline({ allowedOrigins: [web.origin], methods: { note: ({ n }) => void received.push(n), echo: (params) => params } })
    defer(() => peer.close())
    const page = await open(web.url('/pages/umd.html'))
    await page.evaluate(async ({ url, heartbeat }) => {
      const client = window.watch(window.Lifeline.createClient(url, { heartbeat, reconnect: { initialDelay: 100, maxDelay: 1000 } }))
      await client.ready()
      window.sent = 0
      window.longestPause = 0
      let last = Date.now()
      // Keeps writing while the page lives; frozen, it stops, and resumes with the page.
      window.ticker = setInterval(() => {
        window.longestPause = Math.max(window.longestPause, Date.now() - last)
        last = Date.now()
        client.notify('note', { n: ++window.sent })
      }, 50)
    }, { url: peer.url, heartbeat: HEARTBEAT })
    await page.waitFor(() => window.sent >= 20, undefined, { what: 'notifications flowing' })

    // Page.setWebLifecycleState succeeds but freezes nothing in headless Chromium 156 (no freeze
    // event, timers keep running), so the freeze also pauses the page's script in the debugger:
    // to the page that is the same (no script, no timer, no event handler runs; the socket stays
    // up in the network stack). The timer check below proves that the page really stood still.
    await page.cdp('Debugger.enable')
    await page.cdp('Page.setWebLifecycleState', { state: 'frozen' })
    await page.cdp('Debugger.pause')
    const frozenAt = received.length
    await new Promise((resolve) => setTimeout(resolve, FROZEN))
    // Nothing ran while frozen: at most what was on the wire when the page froze arrived.
    const duringFreeze = received.length - frozenAt
    await page.cdp('Debugger.resume')
    await page.cdp('Page.setWebLifecycleState', { state: 'active' })

    const echoed = await page.waitFor(async () => {
      try {
        return await window.client.call('echo', { back: true }, { timeout: 1000 })
      } catch {
        return undefined
      }
    }, undefined, { timeout: HEARTBEAT.interval + HEARTBEAT.timeout + 1000, what: 'a call answered within one heartbeat of resuming' })
    assertEqual(echoed, { back: true }, 'the first call after resuming')
    const { sent, longestPause } = await page.evaluate(() => {
      clearInterval(window.ticker)
      return { sent: window.sent, longestPause: window.longestPause }
    })
    // The page really was frozen: its timer stood still for (nearly) the whole spell.
    assert(longestPause >= FROZEN * 0.8, `the page's timers paused for ${longestPause} ms`)
    await until(() => received.length >= sent, 10_000, `all ${sent} notifications at the server`).catch(() => {
      // A shortfall is reported by the assertion below, which shows what did arrive.
    })
    assertEqual(received, Array.from({ length: sent }, (_, index) => index + 1), `every notification once, in order (${duringFreeze} arrived while frozen)`)
  },
}
