// Builds the static gallery (what `npm run storybook:build` makes) into any
// folder, and serves it with the demo server on one origin, as the browser
// tests do. The same pair works as a deployment: build once, then
//   node demo/server.mjs --static storybook-static
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startDemo } from './server.mjs'

const root = fileURLToPath(new URL('../', import.meta.url))

/** Runs `storybook build` into `outDir`; rejects with its output if it fails. */
export function buildGallery(outDir) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['node_modules/.bin/storybook', 'build', '--quiet', '-o', outDir], {
      cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, STORYBOOK_DISABLE_TELEMETRY: '1' },
    })
    let output = ''
    child.stdout.on('data', (d) => { output += d })
    child.stderr.on('data', (d) => { output += d })
    child.on('error', reject)
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`storybook build failed (${code}):\n${output.slice(-4000)}`))))
  })
}

/**
 * The demo server serving a built gallery from `dir`, with `story(id, args)`
 * giving the URL of one story's canvas (iframe.html, no manager UI).
 */
export async function serveGallery(dir) {
  const demo = await startDemo({ port: 0, staticDir: dir })
  const story = (id, args = {}) => {
    const url = new URL('/iframe.html', demo.url)
    url.searchParams.set('id', id)
    url.searchParams.set('viewMode', 'story')
    const list = Object.entries(args).map(([k, v]) => `${k}:${v}`).join(';')
    if (list) url.searchParams.set('args', list)
    return url.href
  }
  return { ...demo, story }
}

// For the browser scenarios (test/browser/scenarios/stories-*.mjs): the
// gallery is built once per run into the runner's scratch folder, however
// many scenarios ask, and each scenario serves it with a fresh demo server.
const scratch = (buildDir) => join(buildDir, 'storybook')

/** A scenario's `setup(shared)`: builds the gallery on the first call of a run. */
export function buildOnce(shared) {
  shared.galleryBuild ??= buildGallery(scratch(shared.buildDir))
  return shared.galleryBuild
}

/** Serves what `buildOnce` built for this run. */
export const serveBuilt = (buildDir) => serveGallery(scratch(buildDir))
