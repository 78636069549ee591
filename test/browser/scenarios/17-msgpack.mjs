// MessagePack in a real browser (issue #30): a client on msgpack() (dist/msgpack.js, with
// @msgpack/msgpack's ESM build through an import map) against lifeline-ws/server speaking JSON and
// MessagePack. The handshake agrees lifeline.msgpack; a call carries a Uint8Array both ways; a topic
// message carries bytes; and with the server down, binary notifications queued in an IndexedDB outbox
// are kept as bytes, survive a reload, and reach the restarted server once each, in order, intact.
import { startLifeline } from '../lib/peers.mjs'
import { checkBytesBothWays, reverse } from '../lib/bytes.mjs'
import { assertEqual, until } from '../lib/util.mjs'

const dist = (file) => new URL(`../../../dist/${file}`, import.meta.url).href
const N = 5

export default {
  title: 'MessagePack: bytes in calls and topics, a binary outbox across a reload',
  async run({ open, web, defer, engine }) {
    const { jsonRpc, createSessionStore } = await import(dist('server.js'))
    const { msgpack } = await import(dist('msgpack.js'))
    const contexts = []
    const logged = []
    const options = {
      allowedOrigins: [web.origin],
      protocol: [jsonRpc(), msgpack()],
      // One store for both server processes: the restart keeps the session.
      sessions: { store: createSessionStore() },
      onConnect: (ctx) => void contexts.push(ctx),
      methods: {
        reverse,
        log: ({ n, blob }) => void logged.push({ n, blob: Array.from(blob), arrived: blob.constructor.name }),
      },
    }
    let peer = await startLifeline(options)
    defer(() => peer.close())
    const setup = { url: peer.url, key: `lifeline-msgpack-${engine}-${Date.now()}` }
    const connect = ({ url, key }) => {
      const { createClient, indexedDbOutbox, msgpack } = window.lifelineMsgpack
      window.watch(createClient(url, { protocol: msgpack(), reconnect: { initialDelay: 50, maxDelay: 200 }, queue: { storage: indexedDbOutbox(key) } }))
    }
    const loaded = (page) => page.waitFor(() => window.lifelineMsgpack, undefined, { what: 'the module scripts to run' })

    const page = await open(web.url('/pages/msgpack.html'))
    await loaded(page)
    await page.evaluate(connect, setup)
    await checkBytesBothWays(page, peer, contexts)

    // The server goes; binary notifications queue, and IndexedDB keeps them as bytes.
    const { port } = peer
    await peer.close()
    await page.waitFor(() => window.client.state !== 'open', undefined, { what: 'the client to see the server gone' })
    await page.evaluate((n) => { for (let i = 0; i < n; i++) window.client.notify('log', { n: i, blob: new Uint8Array([i, 255 - i]) }) }, N)
    const storedAsBytes = ({ name, n }) => window.storedFrames(name).then((frames) => frames.length === n && frames.every((frame) => frame instanceof Uint8Array))
    await page.waitFor(storedAsBytes, { name: setup.key, n: N }, { what: `${N} binary frames in IndexedDB` })
    await page.reload()
    await loaded(page)
    peer = await startLifeline({ ...options, port })
    await page.evaluate(connect, setup)
    await until(() => logged.length >= N, 10_000, `${N} notifications at the server (got ${JSON.stringify(logged)})`)
    const expected = Array.from({ length: N }, (_, n) => ({ n, blob: [n, 255 - n], arrived: 'Uint8Array' }))
    assertEqual(logged, expected, 'each queued binary notification once, in order, bytes intact')
    await page.waitFor((name) => window.storedFrames(name).then((frames) => frames.length === 0), setup.key, { what: 'the outbox emptied once written' })
    assertEqual(await page.evaluate(() => window.__errors), [], 'errors in the page')
  },
}
