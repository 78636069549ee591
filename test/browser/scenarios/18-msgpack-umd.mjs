// MessagePack from the CDN: a page with two classic <script> tags (dist/lifeline.umd.min.js, then
// dist/msgpack.umd.min.js, no bundler, no import map) speaks MessagePack with lifeline-ws/server: the
// handshake agrees lifeline.msgpack, a call carries a Uint8Array both ways, and a topic message
// carries bytes. A refusal from the dialect's own copy of the error classes is told apart by the
// client's guard (errors from any realm).
import { startLifeline } from '../lib/peers.mjs'
import { checkBytesBothWays, reverse } from '../lib/bytes.mjs'
import { assertEqual } from '../lib/util.mjs'

const dist = (file) => new URL(`../../../dist/${file}`, import.meta.url).href

export default {
  title: 'MessagePack from the CDN: two <script> tags, bytes both ways',
  async run({ open, web, defer }) {
    const { jsonRpc } = await import(dist('server.js'))
    const { msgpack } = await import(dist('msgpack.js'))
    const contexts = []
    const peer = await startLifeline({
      allowedOrigins: [web.origin],
      protocol: [jsonRpc(), msgpack()],
      onConnect: (ctx) => void contexts.push(ctx),
      methods: { reverse },
    })
    defer(() => peer.close())

    const page = await open(web.url('/pages/msgpack-umd.html'))
    const globals = await page.evaluate(() => ({ client: typeof window.Lifeline?.createClient, dialect: typeof window.LifelineMsgpack?.msgpack }))
    assertEqual(globals, { client: 'function', dialect: 'function' }, 'the globals of the two files')
    await page.evaluate((url) => {
      window.watch(window.Lifeline.createClient(url, { protocol: window.LifelineMsgpack.msgpack() }))
    }, peer.url)
    await checkBytesBothWays(page, peer, contexts)

    // An ArrayBuffer is refused by the dialect's copy of ProtocolError: the client's guard knows it.
    const refusal = await page.evaluate(async () => {
      try {
        await window.client.call('reverse', { bytes: new ArrayBuffer(2) })
        return 'sent'
      } catch (err) {
        return { guard: window.Lifeline.isProtocolError(err), message: String(err.message) }
      }
    })
    assertEqual(typeof refusal === 'object' && refusal.guard, true, `an ArrayBuffer refused with a ProtocolError (${JSON.stringify(refusal)})`)
    assertEqual(await page.evaluate(() => window.__errors), [], 'no error on the page')
  },
}
