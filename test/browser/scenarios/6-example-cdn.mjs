// examples/cdn (`node examples/cdn/serve.mjs`): the UMD page against the demo
// server on its own origin shows the state, a live round trip, the clock
// topic, and answers the echo form.
import { assertEqual } from '../lib/util.mjs'

export default {
  title: 'example: CDN page',
  async run({ open, defer }) {
    // Imported here: it needs the built server, and a missing build must fail this scenario, not the run.
    const { serveCdnExample } = await import('../../../examples/cdn/serve.mjs')
    const example = await serveCdnExample()
    defer(example.close)
    const page = await open(example.url)
    await page.waitFor(() => document.getElementById('state').textContent === 'open', undefined, { what: 'state "open"' })
    await page.waitFor(() => / ms$/.test(document.getElementById('rtt').textContent), undefined, { what: 'a round trip' })
    await page.waitFor(() => document.getElementById('clock').textContent !== '-', undefined, { what: 'a clock tick' })
    await page.evaluate(() => {
      document.querySelector('#echo input').value = 'from the test'
      document.querySelector('#echo button').click()
    })
    const reply = await page.waitFor(() => document.getElementById('reply').textContent, undefined, { what: 'the echo reply' })
    assertEqual(JSON.parse(reply), { text: 'from the test' }, 'echo reply')
  },
}
