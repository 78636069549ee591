// Page and socket server on different origins. The server lists one page
// origin in allowedOrigins: a page from it connects and calls; the same page
// served from another origin is refused at the upgrade (cross-site WebSocket
// hijacking protection) and never opens, though its attempts reach the server.
import { startLifeline } from '../lib/peers.mjs'
import { assert, assertEqual } from '../lib/util.mjs'

export default {
  title: 'cross-origin: allowed / refused',
  async run({ open, web, crossWeb, defer }) {
    const peer = await startLifeline({ allowedOrigins: [web.origin], methods: { echo: (params) => params } })
    defer(peer.close)
    assert(new URL(peer.url).port !== new URL(web.url('/')).port, 'the page and the socket must be on different origins')

    const allowed = await open(web.url('/pages/umd.html'))
    const echoed = await allowed.evaluate(async (url) => {
      const client = window.watch(window.Lifeline.createClient(url))
      return client.call('echo', { text: 'hello' })
    }, peer.url)
    assertEqual(echoed, { text: 'hello' }, 'call from the allowed origin')
    await allowed.close()

    const refused = await open(crossWeb.url('/pages/umd.html'))
    await refused.evaluate((url) => {
      window.watch(window.Lifeline.createClient(url, { reconnect: { initialDelay: 50, maxDelay: 200 } }))
    }, peer.url)
    const events = await refused.waitFor(() => window.events.filter((e) => e.startsWith('close:')).length >= 2 && window.events, undefined, { what: 'two refused attempts' })
    assert(!events.includes('state:open'), `the refused page opened a socket: ${events.join(' ')}`)
    const { accepted, rejected } = peer.server.stats
    assertEqual({ accepted, refusedAtLeastTwice: rejected >= 2 }, { accepted: 1, refusedAtLeastTwice: true }, 'server counters')
  },
}
