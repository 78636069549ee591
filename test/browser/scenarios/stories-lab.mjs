// The Connection lab after a blackhole: the heartbeat replaces the silent
// socket, the timeline shows the close and the retry, and the demo server
// stops counting the abandoned connection (it used to report
// "2 conn (1 blackholed)" for one client until the blackhole's own timeout).
// Then Close ends the client for good and New client starts the story over.
import { buildOnce, serveBuilt } from '../../../demo/gallery.mjs'
import { assertEqual, until } from '../lib/util.mjs'

export default {
  title: 'story: lab timeline shows a blackhole; the server forgets the abandoned connection; close and new client',
  setup: buildOnce,
  async run({ open, defer, buildDir }) {
    const gallery = await serveBuilt(buildDir)
    defer(() => gallery.close())
    const page = await open(gallery.story('demos-connection-lab--connection-lab', { heartbeatInterval: 1000, heartbeatTimeout: 1000 }))
    await page.waitFor(() => document.querySelector('[data-testid=opens]')?.textContent === '1', undefined, { what: 'the first open' })

    await page.evaluate(() => document.querySelector('button[data-action=blackhole]').click())
    await page.waitFor(() => Number(document.querySelector('[data-testid=opens]')?.textContent) >= 2, undefined, { timeout: 20_000, what: 'the heartbeat to replace the socket' })
    const marks = await page.waitFor(() => {
      const timeline = document.querySelector('[data-testid=timeline]')
      const found = {
        reconnecting: timeline.querySelectorAll('rect[data-state=reconnecting]').length > 0,
        closes: timeline.querySelectorAll('line[stroke-width="2"]').length,
        retries: timeline.querySelectorAll('rect[rx]').length,
      }
      return found.reconnecting && found.closes >= 1 && found.retries >= 1 && found
    }, undefined, { what: 'the timeline to show the close and the retry' })
    assertEqual(marks.reconnecting, true, 'a reconnecting band')

    // The client's close frame ends the blackholed connection at the proxy: one client, one connection.
    const status = await until(async () => {
      const now = await (await fetch(`${gallery.url}/control/status`)).json()
      return now.connections === 1 && now.blackholed === 0 && now
    }, 15_000, 'the server to count one connection, none blackholed')
    assertEqual(status, { up: true, connections: 1, blackholed: 0 }, 'server status')

    // Close is final; "New client" starts the story over with a client that opens.
    await page.evaluate(() => document.querySelector('button[data-action=close]').click())
    await page.waitFor(() => document.querySelector('[data-testid=state]')?.textContent === 'closed'
      && !document.querySelector('button[data-action=new-client]').hidden, undefined, { what: 'the client to close and offer a new one' })
    await page.evaluate(() => document.querySelector('button[data-action=new-client]').click())
    await page.waitFor(() => document.querySelector('[data-testid=state]')?.textContent === 'open'
      && document.querySelector('[data-testid=opens]')?.textContent === '1', undefined, { what: 'a new client to open' })
  },
}
