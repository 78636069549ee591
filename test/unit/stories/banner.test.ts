// `npm start`'s banner names every demo of the gallery: it left out the React hooks demo when the
// list was written by hand. The list now comes from the stories' titles; every demo that
// docs/gallery.md shows is in it.
import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { demoTitles, listed } from '../../../examples/demos.mjs'

const root = join(import.meta.dirname, '../../..')

describe("npm start's banner", () => {
  it('names every demo that docs/gallery.md shows, React hooks included', () => {
    const gallery = readFileSync(join(root, 'docs/gallery.md'), 'utf8')
    const titles = demoTitles()
    expect(titles).toContain('React hooks')
    // Sections are headed by the demo's title ("Chat (Alice, Bob)"); Welcome is the start page, not a demo.
    const shown = [...gallery.matchAll(/^### (.+)$/gm)].map((match) => match[1] ?? '').filter((heading) => heading !== 'Welcome')
    expect(shown.filter((heading) => !titles.some((title) => heading.startsWith(title)))).toEqual([])
    expect(titles.filter((title) => !shown.some((heading) => heading.startsWith(title)))).toEqual([])
  })

  it('prints the list from the stories, not a copy of it', () => {
    const start = readFileSync(join(root, 'examples/start.mjs'), 'utf8')
    expect(start).toContain('${listed(demoTitles())}')
    expect(listed(['Chat', 'Cursors', 'Sharing'])).toBe('Chat, Cursors and Sharing')
  })
})
