// Sessions across page reloads (issue #14): notifications written into an
// open socket just before a reload, and more typed while the server is away
// and then reloaded again, reach the server exactly once and in order. Each
// stored frame keeps its session id and position, so the new page drops what
// the server already had instead of sending it twice.
import { startLifeline } from '../lib/peers.mjs'
import { assert, assertEqual, until } from '../lib/util.mjs'

const serverModule = new URL('../../../dist/server.js', import.meta.url)

export default {
  title: 'sessions: each frame once across reloads and a restart',
  async run({ open, web, defer, engine }) {
    const { createSessionStore } = await import(serverModule.href)
    // One store for both server processes: the planned restart keeps the session.
    const store = createSessionStore()
    const seen = []
    const start = (port) => startLifeline({
      port,
      allowedOrigins: [web.origin],
      // No acknowledgement comes back on its own before the reload: the new page must trim by position.
      sessions: { store, ackDelay: 60_000 },
      methods: { log: (params) => void seen.push(params.n) },
    })
    let peer = await start(0)
    defer(() => peer.close())
    const setup = { url: peer.url, key: `lifeline-session-${engine}-${Date.now()}` }
    const connect = ({ url, key }) => window.watch(window.Lifeline.createClient(url, {
      reconnect: { initialDelay: 50, maxDelay: 200 },
      queue: { storage: window.Lifeline.localStorageOutbox(key) },
    }))
    const opened = (page) => page.waitFor(() => window.client.state === 'open', undefined, { what: 'the client to open' })

    const page = await open(web.url('/pages/umd.html'))
    await page.evaluate(connect, setup)
    await opened(page)
    // Written into the open socket, then the page goes before the server's acknowledgement can come back.
    await page.evaluate(() => { for (let n = 0; n < 10; n++) window.client.notify('log', { n }) })
    await until(() => seen.length === 10, 10_000, `the first ten to reach the server (seen ${JSON.stringify(seen)})`)
    const stored = await page.evaluate(() => Object.values(window.localStorage).some((value) => value.includes('"n":9')))
    assert(stored, 'the written frames are still stored (held until acknowledged) when the page reloads')
    await page.reload()
    await page.evaluate(connect, setup)
    await opened(page)
    await until(() => seen.length >= 10, 10_000, `the first ten (seen ${JSON.stringify(seen)})`)

    // The server goes; frames typed meanwhile are stored; the page reloads again while it is away.
    await peer.close()
    await page.waitFor(() => window.client.state !== 'open', undefined, { what: 'the client to notice the server left' })
    await page.evaluate(() => { for (let n = 10; n < 20; n++) window.client.notify('log', { n }) })
    await page.reload()
    await page.evaluate(connect, setup)
    peer = await start(peer.port)
    await opened(page)
    await page.evaluate(() => window.client.notify('log', { n: 'end' }))
    await until(() => seen.includes('end'), 10_000, `the marker (seen ${JSON.stringify(seen)})`)
    assertEqual(seen, [...Array.from({ length: 20 }, (_, n) => n), 'end'], 'notifications the server ran')
  },
}
