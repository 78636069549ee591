// The ESM build imported by a <script type="module">, its one external
// dependency (nanoevents) resolved through an import map as a bundler or CDN
// would, connecting to a real lifeline server and making a call.
import { startLifeline } from '../lib/peers.mjs'
import { assertEqual } from '../lib/util.mjs'

export default {
  title: 'ESM import + call',
  async run({ open, web, defer }) {
    const peer = await startLifeline({ allowedOrigins: [web.origin], methods: { add: ({ a, b }) => a + b } })
    defer(peer.close)
    const page = await open(web.url('/pages/esm.html'))
    await page.waitFor(() => window.lifelineEsm, undefined, { what: 'the module script to run' })
    const seen = await page.evaluate(async (url) => {
      const client = window.watch(window.lifelineEsm.createClient(url))
      const sum = await client.call('add', { a: 2, b: 3 })
      return { sum, state: client.state, umdGlobal: typeof window.Lifeline }
    }, peer.url)
    assertEqual(seen, { sum: 5, state: 'open', umdGlobal: 'undefined' }, 'ESM client')
  },
}
