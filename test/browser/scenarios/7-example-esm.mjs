// examples/esm: the Vite app, bundled by `vite build` (so `lifeline-ws` resolves
// as an npm package and nanoevents gets bundled in), served from the test's
// origin and pointed at a lifeline server on another, makes a call.
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import { startLifeline } from '../lib/peers.mjs'
import { assertEqual } from '../lib/util.mjs'

const app = fileURLToPath(new URL('../../../examples/esm/', import.meta.url))

export default {
  title: 'example: Vite ESM app',
  async setup({ buildDir }) {
    const { build } = await import('vite')
    await build({ root: app, logLevel: 'warn', build: { outDir: join(buildDir, 'esm'), emptyOutDir: true } })
  },
  async run({ open, web, defer }) {
    const { methods } = await import('../../../examples/server.mjs')
    const peer = await startLifeline({ allowedOrigins: [web.origin], methods })
    defer(peer.close)
    const page = await open(web.url(`/build/esm/index.html?server=${encodeURIComponent(peer.url)}`))
    await page.waitFor(() => document.getElementById('state').textContent === 'open', undefined, { what: 'state "open"' })
    await page.evaluate(() => { document.querySelector('#add button').click() })
    const sum = await page.waitFor(() => document.getElementById('sum').textContent, undefined, { what: 'the sum' })
    assertEqual(sum, '5', 'sum shown by the app')
  },
}
