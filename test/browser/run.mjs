// Runs every scenario in scenarios/ in each real browser engine and prints a
// table (a column per engine) and one summary line: `N passed, N failed`.
// Exits non-zero on any failure. Everything listens on 127.0.0.1, port 0.
//
//   node test/browser/run.mjs [--engine chromium,firefox,webkit] [--grep text]
//
// Chromium is required by the project; Firefox and WebKit run too and count
// the same (an engine that fails to launch fails all its scenarios).
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { wrapPage } from './engines/engine.mjs'
import { serveStatic } from './lib/static.mjs'
import { report } from './lib/report.mjs'

const ENGINES = ['chromium', 'firefox', 'webkit']
const LAUNCH_TIMEOUT = 60_000
const SCENARIO_TIMEOUT = 60_000
const RUN_TIMEOUT = 9 * 60_000

const root = new URL('../../', import.meta.url).pathname
const here = new URL('.', import.meta.url).pathname
const { values: flags } = parseArgs({ options: { engine: { type: 'string' }, grep: { type: 'string' } } })
const engines = flags.engine ? flags.engine.split(',') : ENGINES

const watchdog = setTimeout(() => {
  console.error(`browser tests: still running after ${RUN_TIMEOUT / 60_000} minutes, giving up`)
  process.exit(1)
}, RUN_TIMEOUT)
watchdog.unref()

const scenarios = await loadScenarios()
const buildDir = await mkdtemp(join(tmpdir(), 'lifeline-browser-'))
const mounts = { '/dist/': join(root, 'dist'), '/pages/': join(here, 'pages'), '/node_modules/nanoevents/': join(root, 'node_modules/nanoevents'), '/build/': buildDir }
// axe-core, loaded into the gallery's pages by the accessibility scenario (stories-axe-1.mjs and stories-axe-2.mjs, through lib/axe.mjs).
mounts['/node_modules/axe-core/'] = join(root, 'node_modules/axe-core')
// @msgpack/msgpack's ESM build, imported by dist/msgpack.js on the MessagePack page (pages/msgpack.html).
mounts['/node_modules/@msgpack/msgpack/'] = join(root, 'node_modules/@msgpack/msgpack')
// Two origins serving the same files: a different port is a different origin.
const web = await serveStatic(mounts)
const crossWeb = await serveStatic(mounts)
const shared = { web, crossWeb, root, buildDir }

/** results[engine][scenario title] = { status: 'pass' | 'fail', ms, error? } */
const results = {}
const versions = {}
try {
  const prepared = await prepare(scenarios)
  for (const name of engines) {
    results[name] = {}
    await runEngine(name, prepared, results[name])
  }
} finally {
  await Promise.all([web.close(), crossWeb.close()])
  await rm(buildDir, { recursive: true, force: true })
}
const { failed } = report(results, versions, scenarios.map((s) => s.title))
clearTimeout(watchdog)
process.exit(failed ? 1 : 0)

async function loadScenarios() {
  const files = (await readdir(join(here, 'scenarios'))).filter((f) => f.endsWith('.mjs')).sort()
  const all = await Promise.all(files.map(async (f) => (await import(`./scenarios/${f}`)).default))
  return all.filter((s) => !flags.grep || s.title.toLowerCase().includes(flags.grep.toLowerCase()))
}

// A scenario's one-time setup (building an example app, say), shared by every engine.
async function prepare(list) {
  return Promise.all(list.map(async (scenario) => {
    try {
      await scenario.setup?.(shared)
      return { scenario }
    } catch (error) {
      return { scenario, setupError: error }
    }
  }))
}

async function runEngine(name, prepared, out) {
  let engine
  try {
    const { launch } = await import(`./engines/${name}.mjs`)
    engine = await withTimeout(launch(), LAUNCH_TIMEOUT, `launching ${name}`)
    versions[name] = engine.version
  } catch (error) {
    for (const { scenario } of prepared) out[scenario.title] = { status: 'fail', ms: 0, error: new Error(`${name} did not launch: ${error.message}`) }
    return
  }
  try {
    for (const { scenario, setupError } of prepared) {
      // A scenario that needs one engine's own protocol (CDP) names its engines; the others show '-'.
      if (scenario.engines && !scenario.engines.includes(name)) continue
      if (setupError) out[scenario.title] = { status: 'fail', ms: 0, error: setupError }
      else out[scenario.title] = await runScenario(engine, name, scenario)
      console.log(`  ${name}: ${scenario.title}: ${out[scenario.title].status}`)
    }
  } finally {
    await withTimeout(engine.close(), LAUNCH_TIMEOUT, `closing ${name}`).catch(() => {})
  }
}

// Each run gets `open` (pages are closed after the run) and `defer` (cleanups
// run after the pages close, last registered first), so a failing scenario
// never leaves a server or a page behind for the next one.
async function runScenario(engine, name, scenario) {
  const pages = []
  const cleanups = []
  const started = Date.now()
  // Every page a scenario opens, tabs included, is closed after it.
  const adopt = (raw) => {
    const page = wrapPage(raw, adopt)
    pages.push(page)
    return page
  }
  const context = {
    ...shared,
    engine: name,
    open: async (url) => adopt(await engine.open(url)),
    defer: (fn) => cleanups.push(fn),
  }
  let error
  try {
    await withTimeout(scenario.run(context), SCENARIO_TIMEOUT, scenario.title)
  } catch (err) {
    error = err
  }
  for (const page of pages) await page.close().catch(() => {})
  for (const fn of cleanups.reverse()) await fn().catch(() => {})
  return { status: error ? 'fail' : 'pass', ms: Date.now() - started, error }
}

function withTimeout(promise, ms, what) {
  let timer
  const timeout = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms) })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}
