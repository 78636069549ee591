// The Dashboard story's own interaction, in the built gallery: cut the
// connection, then restart the server; after each reconnect the ticker line
// has no gap, because the client resubscribes from the last tick it saw and
// the server replays the rest (history outlives the restart in the demo).
import { buildOnce, serveBuilt } from '../../../demo/gallery.mjs'
import { assert, assertEqual } from '../lib/util.mjs'


export default {
  title: 'story: dashboard line has no gap after a reconnect',
  setup: buildOnce,
  async run({ open, defer, buildDir }) {
    const gallery = await serveBuilt(buildDir)
    defer(() => gallery.close())
    const page = await open(gallery.story('demos-dashboard--dashboard'))
    const read = () => Object.fromEntries(['received', 'gaps', 'replayed', 'last-t', 'opens']
      .map((id) => [id, Number(document.querySelector(`[data-testid=${id}]`)?.textContent ?? NaN)]))
    const waitOpens = (n, what) => page.waitFor((min) => {
      const opens = Number(document.querySelector('[data-testid=opens]')?.textContent)
      return opens >= min && document.querySelector('[data-testid=state]')?.textContent === 'open'
    }, n, { timeout: 20_000, what })
    await page.waitFor(() => Number(document.querySelector('[data-testid=received]')?.textContent) >= 3, undefined, { what: 'the first ticks' })

    await page.evaluate(() => document.querySelector('button[data-action=reset]').click())
    await waitOpens(2, 'the reconnect after a cut')
    const afterCut = await page.evaluate(read)
    await page.waitFor((t) => Number(document.querySelector('[data-testid=last-t]')?.textContent) >= t + 3, afterCut['last-t'], { what: 'ticks after the cut' })

    await page.evaluate(() => document.querySelector('button[data-action=restart]').click())
    await waitOpens(3, 'the reconnect after a restart')
    const afterRestart = await page.evaluate(read)
    await page.waitFor((t) => Number(document.querySelector('[data-testid=last-t]')?.textContent) >= t + 3, afterRestart['last-t'], { what: 'ticks after the restart' })
    const end = await page.evaluate(read)

    assertEqual(end.gaps, 0, 'gaps in the line')
    // Two seconds down at two ticks a second: the missed ticks came back as a replay, not as a gap.
    assert(end.replayed >= 2, `expected the ticks missed during the restart to be replayed, got ${end.replayed}`)
    const line = await page.evaluate(() => document.querySelector('[data-testid=chart] polyline')?.getAttribute('points')?.split(' ').length ?? 0)
    assert(line >= 10, `expected a drawn line, got ${line} points`)
  },
}
