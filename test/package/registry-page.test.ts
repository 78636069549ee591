// What the registry shows: package.json names the repository, the home page and where to report bugs,
// and every link in README.md works on the registry's page, where a relative link has no repository to
// resolve against (npm resolves some, other registry front ends none). So README links are absolute,
// into the repository, and each names a file (and a heading) that exists here.
import { describe, expect, it } from 'vitest'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const root = join(import.meta.dirname, '../..')
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  homepage?: string
  repository?: { type?: string; url?: string }
  bugs?: { url?: string }
}
const readme = readFileSync(join(root, 'README.md'), 'utf8')
const repository = 'https://github.com/lifeline-ws/lifeline-ws'

/** GitHub's anchor for a markdown heading. */
const anchorOf = (heading: string) => heading.trim().toLowerCase().replace(/[^\w\s-]/g, '').replace(/\s/g, '-')

describe('package.json for the registry', () => {
  it('names the repository, the home page and the issue tracker', () => {
    expect(manifest.repository).toEqual({ type: 'git', url: `git+${repository}.git` })
    expect(manifest.homepage).toBe(`${repository}#readme`)
    expect(manifest.bugs).toEqual({ url: `${repository}/issues` })
  })
})

describe("README.md's links", () => {
  const links = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1] ?? '')

  it('are absolute (or anchors on the page itself)', () => {
    expect(links.length).toBeGreaterThan(10)
    expect(links.filter((link) => !/^(https?:\/\/|#)/.test(link))).toEqual([])
  })

  it('into the repository name files and headings that exist', () => {
    const missing: string[] = []
    for (const link of links.filter((each) => each.startsWith(`${repository}/blob/main/`))) {
      const [path = '', anchor] = link.slice(`${repository}/blob/main/`.length).split('#')
      if (!existsSync(join(root, path))) {
        missing.push(link)
        continue
      }
      if (anchor === undefined) continue
      const headings = [...readFileSync(join(root, path), 'utf8').matchAll(/^#+ (.+)$/gm)].map((match) => anchorOf(match[1] ?? ''))
      if (!headings.includes(anchor)) missing.push(link)
    }
    expect(missing).toEqual([])
  })
})
