// The gallery's accessibility check: axe-core on each story of the built
// gallery (the story's canvas, iframe.html, once the demo has connected).
// Fails on any violation axe rates serious or critical; moderate and minor
// findings are printed, not failed on. The stories are checked in two halves
// (scenarios stories-axe-1 and stories-axe-2), so each stays well inside a
// scenario's 60 s on a busy machine; a new story lands in one of them by itself.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { buildOnce, serveBuilt } from '../../../demo/gallery.mjs'

const FAIL_ON = ['serious', 'critical']
const PARTS = 2

/** The scenario checking part `part` (1 or 2) of the gallery's stories, in index order. */
export function axeScenario(part) {
  return {
    title: `story: stories pass axe, no serious or critical violation (part ${part} of ${PARTS})`,
    setup: buildOnce,
    async run({ open, defer, buildDir, web, engine }) {
      const gallery = await serveBuilt(buildDir)
      defer(() => gallery.close())
      const index = JSON.parse(await readFile(join(buildDir, 'storybook', 'index.json'), 'utf8'))
      const all = Object.values(index.entries).filter((entry) => entry.type === 'story').map((entry) => entry.id)
      if (all.length < PARTS) throw new Error(`expected the gallery's stories in index.json, found ${all.length}`)
      const size = Math.ceil(all.length / PARTS)
      const ids = all.slice((part - 1) * size, part * size)
      const axeUrl = web.url('/node_modules/axe-core/axe.min.js')

      const failures = []
      const notes = []
      for (const id of ids) {
        const page = await open(gallery.story(id))
        // A demo is checked as a user first sees it: rendered and connected.
        await page.waitFor(() => {
          if (document.querySelector('.welcome')) return true
          return document.querySelector('.story [data-testid=state]')?.textContent === 'open'
        }, undefined, { timeout: 20_000, what: `story ${id} to render and connect` })
        const violations = await page.evaluate(async (src) => {
          if (!window.axe) {
            await new Promise((resolve, reject) => {
              const script = document.createElement('script')
              script.src = src
              script.onload = resolve
              script.onerror = () => reject(new Error(`could not load axe-core from ${src}`))
              document.head.append(script)
            })
          }
          const results = await window.axe.run(document, { resultTypes: ['violations'] })
          return results.violations.map((v) => ({
            id: v.id, impact: v.impact, help: v.help,
            targets: v.nodes.slice(0, 3).map((node) => node.target.join(' ')),
          }))
        }, axeUrl)
        for (const v of violations) {
          const line = `${id}: [${v.impact}] ${v.id} (${v.help}) at ${v.targets.join(', ')}`
          if (FAIL_ON.includes(v.impact)) failures.push(line)
          else notes.push(line)
        }
        await page.close()
      }
      console.log(`    axe (${engine}, part ${part}): ${ids.join(', ')}: ${failures.length} serious or critical, ${notes.length} moderate or minor${notes.length ? `\n      ${notes.join('\n      ')}` : ''}`)
      if (failures.length) throw new Error(`axe found serious or critical violations:\n  ${failures.join('\n  ')}`)
    },
  }
}
