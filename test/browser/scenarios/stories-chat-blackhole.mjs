// The Chat story tells the truth about messages caught in a blackhole: two
// messages sent right after the connection goes silent never stay "queued"
// or "sent" for good. Each ends "delivered" (the server confirmed it, for
// instance after a replay) or "not confirmed" with a Retry that delivers it
// over the new connection. A fresh page then finds each message once.
import { buildOnce, serveBuilt } from '../../../demo/gallery.mjs'
import { assert, assertEqual } from '../lib/util.mjs'

const TEXTS = ['first into the blackhole', 'second into the blackhole']

export default {
  title: 'story: chat messages lost in a blackhole end delivered or not confirmed, and retry delivers them',
  setup: buildOnce,
  async run({ open, defer, buildDir }) {
    const gallery = await serveBuilt(buildDir)
    defer(() => gallery.close())
    // A fast heartbeat, so the silence is noticed in about two seconds.
    const url = gallery.story('demos-chat--alice', { room: 'blackhole', heartbeatInterval: 1000, heartbeatTimeout: 1000, sendTimeout: 15000 })
    const page = await open(url)
    await page.waitFor(() => document.querySelector('[data-testid=members]')?.textContent.includes('alice'), undefined, { what: 'joined the room' })

    // Straight to the control endpoint (not the toolbar button), so the sends below follow the blackhole at once.
    const blackholed = await fetch(`${gallery.url}/control/blackhole`, { method: 'POST' })
    assert(blackholed.ok, `blackhole: HTTP ${blackholed.status}`)
    await page.evaluate((texts) => {
      for (const text of texts) {
        document.querySelector('[data-testid=chat-input]').value = text
        document.querySelector('[data-testid=chat-send]').click()
      }
    }, TEXTS)
    const statuses = () => [...document.querySelectorAll('[data-testid=messages] li')].map((li) => li.dataset.status)
    assertEqual(await page.evaluate(statuses), ['sent', 'sent'], 'status right after sending on a silent socket')

    // Settled: every message either confirmed or marked not confirmed, none left pending.
    const settled = await page.waitFor(() => {
      const all = [...document.querySelectorAll('[data-testid=messages] li')].map((li) => li.dataset.status)
      return all.length === 2 && all.every((s) => s === 'delivered' || s === 'failed') && all
    }, undefined, { timeout: 30_000, what: 'both messages to settle' })
    assert(settled.every((s) => s === 'delivered' || s === 'failed'), `unexpected statuses ${settled}`)

    await page.waitFor(() => document.querySelector('[data-testid=state]')?.textContent === 'open', undefined, { timeout: 20_000, what: 'a new connection' })
    await page.evaluate(() => {
      for (const button of document.querySelectorAll('[data-testid=messages] li[data-status=failed] [data-testid=retry]')) button.click()
    })
    await page.waitFor(() => [...document.querySelectorAll('[data-testid=messages] li')].every((li) => li.dataset.status === 'delivered'),
      undefined, { timeout: 20_000, what: 'the retried messages to be delivered' })
    // The toolbar samples client.queued every 250 ms: wait for it to show the queue drained.
    await page.waitFor(() => document.querySelector('[data-testid=queued]')?.textContent === '0', undefined,
      { timeout: 10_000, what: 'no frame left in the queue' })

    // The server kept each message once, in the order sent.
    await page.close()
    const again = await open(url)
    await again.waitFor(() => document.querySelectorAll('[data-testid=messages] li').length >= 2, undefined, { what: 'the room history' })
    const texts = await again.evaluate(() => [...document.querySelectorAll('[data-testid=messages] li .text')].map((text) => text.textContent))
    assertEqual(texts, TEXTS.map((text) => `alice: ${text}`), 'messages the server kept')
  },
}
