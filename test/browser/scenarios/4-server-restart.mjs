// The server goes away (a graceful restart) and a new process comes up on the
// same port: the page's client reconnects on its own, and the next call is
// answered by the new server.
import { startLifeline } from '../lib/peers.mjs'
import { assert, assertEqual } from '../lib/util.mjs'

export default {
  title: 'reconnect after server restart',
  async run({ open, web, defer }) {
    let generation = 1
    const start = (port) => startLifeline({ port, allowedOrigins: [web.origin], methods: { generation: () => generation } })
    let peer = await start(0)
    defer(() => peer.close())

    const page = await open(web.url('/pages/umd.html'))
    const first = await page.evaluate(async (url) => {
      const client = window.watch(window.Lifeline.createClient(url, { reconnect: { initialDelay: 100, maxDelay: 500 } }))
      return client.call('generation')
    }, peer.url)
    assertEqual(first, 1, 'answer from the first server')

    await peer.close()
    await page.waitFor(() => window.client.state !== 'open', undefined, { what: 'the client to notice the server left' })
    generation = 2
    peer = await start(peer.port)
    await page.waitFor(() => window.client.state === 'open', undefined, { what: 'the client to reconnect' })
    const second = await page.evaluate(() => window.client.call('generation'))
    assertEqual(second, 2, 'answer after the restart')
    const events = await page.evaluate(() => window.events)
    assert(events.filter((e) => e === 'state:open').length === 2, `expected exactly two opens: ${events.join(' ')}`)
  },
}
