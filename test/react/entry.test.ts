// @vitest-environment node
// The built entries (run `npm run build` first): lifeline-ws/react and lifeline-ws/testing
// import the other entries as packages instead of copying them, and the core bundles hold
// nothing of React.
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
  it('lifeline-ws/react imports react and lifeline-ws only, and copies no client code', () => {
    expect(importsOf(read('react.js'))).toEqual(['react'])
    expect(importsOf(read('react.d.ts'))).toEqual(['lifeline-ws', 'react'])
    expect(read('react.js')).not.toMatch(/function createClient|new WebSocket|function backoff/)
    expect(read('react.cjs')).toMatch(/require\('react'\)/)
  })

  it('lifeline-ws/testing imports the server as a package, ws and Node builtins', () => {
    expect(importsOf(read('testing.js'))).toEqual(['lifeline-ws/server', 'node:http', 'node:net', 'ws'])
  })

  it('the core bundles know nothing of React', () => {
    for (const name of ['lifeline.js', 'lifeline.cjs', 'lifeline.umd.min.js']) expect(read(name)).not.toMatch(/\breact\b/i)
  })
})
