// @vitest-environment node
// The built entries (run `npm run build` first): lifeline-ws/react, /vue, /svelte, /store and
// /testing import the other entries as packages instead of copying them, and the core bundles
// hold nothing of any framework.
import { existsSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

const dist = new URL('../../dist/', import.meta.url)
const read = (name: string) => {
  const file = new URL(name, dist)
  if (!existsSync(file)) throw new Error(`dist/${name} is missing: run \`npm run build\` first`)
  return readFileSync(file, 'utf8')
}
/** The module specifiers of an ES module's static imports. */
const importsOf = (code: string) => [...code.matchAll(/^import\s[^'"]*['"]([^'"]+)['"]/gm)].map((match) => match[1]).sort()

describe('built entries', () => {
  it('lifeline-ws/react imports react and the store core only, and copies no client or store code', () => {
    expect(importsOf(read('react.js'))).toEqual(['lifeline-ws/store', 'react'])
    expect(importsOf(read('react.d.ts'))).toEqual(['lifeline-ws', 'lifeline-ws/store', 'react'])
    expect(read('react.js')).not.toMatch(/function createClient|new WebSocket|function backoff|function topicStore|function createSource/)
    expect(read('react.cjs')).toMatch(/require\('react'\)/)
  })

  it('lifeline-ws/vue and lifeline-ws/svelte import their framework and the store core only', () => {
    for (const framework of ['vue', 'svelte']) {
      expect(importsOf(read(`${framework}.js`))).toEqual(['lifeline-ws/store', framework])
      expect(read(`${framework}.js`)).not.toMatch(/function createClient|new WebSocket|function topicStore|function createSource/)
      expect(read(`${framework}.cjs`)).toMatch(new RegExp(`require\\('${framework}'\\)`))
    }
  })

  it('lifeline-ws/store imports the client as a package and no framework', () => {
    expect(importsOf(read('store.js'))).toEqual(['lifeline-ws'])
    expect(read('store.js')).not.toMatch(/function createClient|new WebSocket/)
  })

  it('lifeline-ws/testing imports the server as a package, ws and Node builtins', () => {
    expect(importsOf(read('testing.js'))).toEqual(['lifeline-ws/server', 'node:http', 'node:net', 'ws'])
  })

  it('the core bundles know nothing of React, Vue or Svelte', () => {
    for (const name of ['lifeline.js', 'lifeline.cjs', 'lifeline.umd.min.js']) expect(read(name)).not.toMatch(/\b(react|vue|svelte)\b/i)
  })
})
