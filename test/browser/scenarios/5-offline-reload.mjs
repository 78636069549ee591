// Issue 4's browser test: with the server down, the page queues N frames in a
// localStorage outbox and is reloaded; the new page's client, given the same
// storage, delivers them when the server comes up: every frame exactly once,
// in order. A second reload must not send them again.
import { startRecorder } from '../lib/peers.mjs'
import { assertEqual, freePort, until } from '../lib/util.mjs'

const N = 20

export default {
  title: 'offline queue across a reload',
  async run({ open, web, defer, engine }) {
    const port = await freePort()
    const setup = { url: `ws://127.0.0.1:${port}/`, key: `lifeline-test-${engine}-${Date.now()}` }
    // The recorder is a raw sink that answers nothing, so the client is a raw one: a protocol client
    // would first wait for an answer to its session handshake (docs/offline-queue.md).
    const connect = ({ url, key }) => window.watch(window.Lifeline.createClient(url, {
      protocol: false,
      reconnect: { initialDelay: 50, maxDelay: 200 },
      heartbeat: false,
      queue: { storage: window.Lifeline.localStorageOutbox(key) },
    }))
    // Storage is checked by content, not by format: the adapter owns its format.
    const stored = (text) => Object.values(window.localStorage).some((value) => value.includes(text))

    const page = await open(web.url('/pages/umd.html'))
    await page.evaluate(connect, setup)
    await page.evaluate((n) => { for (let i = 0; i < n; i++) window.client.send(`frame-${i}`) }, N)
    await page.waitFor(stored, `frame-${N - 1}`, { what: 'the last frame to be stored' })
    await page.reload()

    await page.evaluate(connect, setup)
    const recorder = await startRecorder({ port })
    defer(recorder.close)
    const expected = Array.from({ length: N }, (_, i) => `frame-${i}`)
    await deliverMarker(page, recorder, 'after-first-reload')
    assertEqual(recorder.frames, [...expected, 'after-first-reload'], 'frames received')
    await page.waitFor((text) => !Object.values(window.localStorage).some((value) => value.includes(text)), 'frame-', { what: 'storage to be emptied once written' })

    await page.reload()
    await page.evaluate(connect, setup)
    await deliverMarker(page, recorder, 'after-second-reload')
    assertEqual(recorder.frames, [...expected, 'after-first-reload', 'after-second-reload'], 'frames after a second reload')
  },
}

// Once the client is open its outbox has flushed, so a marker sent now arrives
// after anything the outbox delivered: seeing it means nothing is still on its way.
async function deliverMarker(page, recorder, marker) {
  await page.waitFor(() => window.client.state === 'open', undefined, { what: 'the client to open' })
  await page.evaluate((text) => { window.client.send(text) }, marker)
  await until(() => recorder.frames.includes(marker), 10_000, `the server to receive ${marker} (it got ${JSON.stringify(recorder.frames)})`)
}
