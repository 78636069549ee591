// The RPC playground labels each result with the method it called, even when
// the method field changes while the call is in flight (it used to print the
// field's current value).
import { buildOnce, serveBuilt } from '../../../demo/gallery.mjs'
import { assert } from '../lib/util.mjs'

export default {
  title: 'story: RPC playground labels a result with the method called',
  setup: buildOnce,
  async run({ open, defer, buildDir }) {
    const gallery = await serveBuilt(buildDir)
    defer(() => gallery.close())
    const page = await open(gallery.story('demos-rpc-playground--rpc-playground'))
    await page.waitFor(() => document.querySelector('[data-testid=state]')?.textContent === 'open', undefined, { what: 'the client to open' })

    await page.evaluate(() => {
      document.querySelector('[data-testid=method]').value = 'slow'
      document.querySelector('[data-testid=params]').value = JSON.stringify({ ms: 300, value: 'late' })
      document.querySelector('[data-testid=call]').click()
      // Edited while the call is in flight.
      document.querySelector('[data-testid=method]').value = 'echo'
    })
    const line = await page.waitFor(() => document.querySelector('[data-testid=results] li')?.textContent, undefined, { what: 'the result' })
    assert(/#1 slow → \{"waited":300,"value":"late"\}/.test(line), `expected the result labelled "slow", got ${JSON.stringify(line)}`)
  },
}
