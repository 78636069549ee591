// A lifeline client inside a dedicated Worker, driven by its page (pages/worker.html and
// pages/socket-worker.js, the recipe of docs/workers.md). In the worker there is no window and no
// localStorage; the outbox persists to IndexedDB. Shows: a call and a topic through the worker; then,
// with the server down, notifications queued in the worker's IndexedDB outbox survive the worker's
// end, and a new worker sends each once, in order, when the server is back.
import { startLifeline } from '../lib/peers.mjs'
import { assertEqual, until } from '../lib/util.mjs'

const N = 5

export default {
  title: 'dedicated worker: the client off the main thread, its outbox in IndexedDB',
  async run({ open, web, defer, engine }) {
    const notes = []
    const methods = { echo: (params) => params, note: ({ n }) => void notes.push(n) }
    let peer = await startLifeline({ allowedOrigins: [web.origin], methods })
    defer(() => peer.close())
    const outbox = `lifeline-worker-${engine}-${Date.now()}`

    const page = await open(web.url('/pages/worker.html'))
    await page.evaluate(() => window.startWorker())
    const environment = await page.evaluate(() => window.ask('environment'))
    assertEqual(environment, { window: 'undefined', document: 'undefined', localStorage: 'undefined', indexedDB: 'object' }, 'the worker\'s globals')

    await page.evaluate(({ url, outbox }) => window.ask('connect', url, outbox), { url: peer.url, outbox })
    await page.evaluate(() => window.ask('ready'))
    assertEqual(await page.evaluate(() => window.ask('call', 'echo', { from: 'worker' })), { from: 'worker' }, 'a call through the worker')
    await page.evaluate(() => window.ask('subscribe', 'prices'))
    for (let n = 1; n <= 3; n++) peer.server.publish('prices', { n })
    await page.waitFor(() => window.received.prices?.length === 3, undefined, { what: 'three topic messages at the page' })
    assertEqual(await page.evaluate(() => window.received.prices), [{ n: 1 }, { n: 2 }, { n: 3 }], 'topic messages, batched to the page')

    // The server goes away; the worker queues, and its IndexedDB outbox keeps the frames.
    const { port } = peer
    await peer.close()
    await page.waitFor(() => window.ask('state').then((state) => state === 'reconnecting'), undefined, { what: 'the worker\'s client to see the server gone' })
    await page.evaluate((n) => Promise.all(Array.from({ length: n }, (_, i) => window.ask('notify', 'note', { n: i + 1 }))), N)
    await page.waitFor((name) => window.storedFrames(name).then((frames) => frames.length === 5), outbox, { what: 'five frames in IndexedDB' })
    // The worker ends as a closed tab's would: no goodbye, nothing flushed.
    await page.evaluate(() => window.socketWorker.terminate())

    peer = await startLifeline({ port, allowedOrigins: [web.origin], methods })
    await page.evaluate(() => window.startWorker())
    await page.evaluate(({ url, outbox }) => window.ask('connect', url, outbox), { url: peer.url, outbox })
    await page.evaluate(() => window.ask('ready'))
    await until(() => notes.length >= N, 10_000, `${N} notifications at the server`)
    const refused = await page.evaluate(() => window.ask('call', 'echo', 'not params').then(() => 'resolved', (err) => `${err.name}: ${err.message}`))
    assertEqual(refused, "ProtocolError: lifeline: JSON-RPC params must be an object or an array ('echo' got string)", 'a bad call refused by name, through the worker')
    assertEqual(notes, [1, 2, 3, 4, 5], 'each queued notification once, in order')
    await page.waitFor((name) => window.storedFrames(name).then((frames) => frames.length === 0), outbox, { what: 'the outbox emptied once written' })
  },
}
