// Issue 2's acceptance test: the minified UMD file, loaded by a plain
// <script> tag as a CDN serves it, defines window.Lifeline.createClient on its
// own (nanoevents bundled, no loader), and that function builds a client.
import { assertEqual } from '../lib/util.mjs'

export default {
  title: 'UMD via <script> tag',
  async run({ open, web }) {
    const page = await open(web.url('/pages/umd.html'))
    const seen = await page.evaluate(() => {
      const createClient = window.Lifeline?.createClient
      if (typeof createClient !== 'function') return { createClient: typeof createClient }
      // lazy: a client that never dials, so the test needs no server.
      const client = createClient('ws://127.0.0.1:9/', { lazy: true })
      const state = client.state
      client.close()
      return { createClient: 'function', state, closed: client.state, errors: window.__errors }
    })
    assertEqual(seen, { createClient: 'function', state: 'idle', closed: 'closed', errors: [] }, 'window.Lifeline')
  },
}
