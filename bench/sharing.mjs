// Sharing (`share`, issue #17) in headless Chromium: what a follower tab pays
// per call for going through the leader tab (BroadcastChannel both ways), how
// many connections the server holds for 1, 4 and 16 tabs with and without
// `share`, and how long a leader hand-over takes (leader tab closed -> the
// next leader's socket accepted by the server).
import { createServer } from 'node:http'
import { pathToFileURL } from 'node:url'
import { join } from 'node:path'
import { build } from 'esbuild'
import { chromium } from 'playwright-core'
import { lifelineDist, root } from './lib/env.mjs'
import { formatMs, median, percentile, table } from './lib/stats.mjs'
import { CHROMIUM_ARGS } from './throughput-browser.mjs'

const TAB_COUNTS = [1, 4, 16]
const HANDOVERS = 9
const CALLS_PER_ROUND = 100

/** The page's script: lifeline's createClient (the measured build) as `window.createClient`. */
async function pageScript() {
  const out = await build({
    stdin: { contents: "import { createClient } from 'lifeline-ws/share'\nwindow.createClient = createClient", resolveDir: root, sourcefile: 'page.js' },
    bundle: true, format: 'iife', platform: 'browser', target: 'es2020', minify: true, write: false, logLevel: 'silent',
    // dist/share.js next to the measured dist/lifeline.js: the entry whose createClient takes `share`.
    alias: { 'lifeline-ws/share': lifelineDist.replace(/lifeline\.js$/, 'share.js') },
  })
  return out.outputFiles[0].text
}

async function servePage(script) {
  const http = createServer((req, res) => {
    if (req.url === '/bench.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(script)
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>lifeline sharing bench</title><script src="/bench.js"></script>')
  })
  await new Promise((resolve) => http.listen(0, '127.0.0.1', resolve))
  return { http, origin: `http://127.0.0.1:${http.address().port}` }
}

/** A lifeline-ws/server (the built one) in this process; `upgrades` stamps each accepted socket. */
async function startServer(origin) {
  const { createServer: createLifeline } = await import(pathToFileURL(join(root, 'dist/server.js')).href)
  const upgrades = []
  const server = createLifeline({
    port: 0, host: '127.0.0.1', allowedOrigins: [origin],
    methods: { echo: (params) => params },
    onConnect: () => upgrades.push(performance.now()),
  })
  await server.ready
  return { server, upgrades, url: `ws://127.0.0.1:${server.port}/` }
}

const until = async (check, what, timeout = 20_000) => {
  const deadline = Date.now() + timeout
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`sharing bench: timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** Opens a tab in `context` with a client (`share` as given) and waits for it to open. */
async function openTab(context, origin, url, share) {
  const page = await context.newPage()
  page.on('pageerror', (err) => console.error('page error:', err.message))
  await page.goto(origin)
  await page.evaluate(async ({ url: socketUrl, share: shared }) => {
    window.client = window.createClient(socketUrl, { share: shared, reconnect: { initialDelay: 20, maxDelay: 200 } })
    await window.client.ready()
  }, { url, share })
  return page
}

/** `count` sequential calls in the page; each call's round trip in ms. */
const timeCalls = (page, count) => page.evaluate(async (n) => {
  const out = []
  for (let i = 0; i < n; i++) {
    const t0 = performance.now()
    await window.client.call('echo', { i })
    out.push(performance.now() - t0)
  }
  return out
}, count)

/** Round trips from an unshared client, the leader tab and a follower tab, interleaved by round. */
async function roundTrips(browser, origin, url, rounds) {
  const plainContext = await browser.newContext()
  const sharedContext = await browser.newContext()
  try {
    const plain = await openTab(plainContext, origin, url, false)
    const first = await openTab(sharedContext, origin, url, true)
    const second = await openTab(sharedContext, origin, url, true)
    await until(async () => (await Promise.all([first, second].map((p) => p.evaluate(() => window.client.role)))).sort().join() === 'follower,leader', 'one leader and one follower')
    const [leader, follower] = (await first.evaluate(() => window.client.role)) === 'leader' ? [first, second] : [second, first]
    const tabs = { 'unshared client': plain, 'leader tab': leader, 'follower tab': follower }
    const samples = Object.fromEntries(Object.keys(tabs).map((name) => [name, []]))
    for (const page of Object.values(tabs)) await timeCalls(page, 50)
    for (let r = 0; r < rounds; r++) {
      const names = Object.keys(tabs)
      for (let i = 0; i < names.length; i++) {
        const name = names[(i + r) % names.length]
        samples[name].push(...await timeCalls(tabs[name], CALLS_PER_ROUND))
      }
    }
    const base = median(samples['leader tab'])
    const rows = Object.entries(samples).map(([name, ms]) => ({ name, calls: ms.length, median: median(ms), p90: percentile(ms, 90), added: median(ms) - base }))
    return {
      rows,
      text: table(['calls from', 'calls', 'median', 'p90', 'added vs leader'], rows.map((r) => [
        r.name, r.calls, formatMs(r.median), formatMs(r.p90), r.name === 'leader tab' ? '–' : `${r.added >= 0 ? '+' : ''}${r.added.toFixed(2)} ms`,
      ])),
    }
  } finally {
    await Promise.all([plainContext.close(), sharedContext.close()])
  }
}

/** Connections the server holds with `count` tabs open, all with the same `share`. */
async function connectionsWith(browser, origin, peer, count, share) {
  const context = await browser.newContext()
  try {
    for (let i = 0; i < count; i++) await openTab(context, origin, peer.url, share)
    // A follower's `ready()` resolves on the leader's socket; give a stray socket time to show before counting.
    await new Promise((resolve) => setTimeout(resolve, 300))
    return peer.server.stats.connections
  } finally {
    await context.close()
    await until(() => peer.server.stats.connections === 0, 'the tabs\' sockets to close')
  }
}

/** Closes the leader of three tabs `count` times; ms from the close command to the next socket accepted. */
async function handovers(browser, origin, peer, count) {
  const context = await browser.newContext()
  try {
    const tabs = []
    for (let i = 0; i < 3; i++) tabs.push(await openTab(context, origin, peer.url, true))
    const out = []
    for (let n = 0; n < count; n++) {
      let leader
      await until(async () => {
        const roles = await Promise.all(tabs.map((p) => p.evaluate(() => window.client.role)))
        leader = roles.indexOf('leader')
        return leader >= 0 && peer.server.stats.connections === 1
      }, 'one leader with one connection')
      const seen = peer.upgrades.length
      const t0 = performance.now()
      await tabs[leader].close()
      tabs.splice(leader, 1)
      await until(() => peer.upgrades.length > seen, 'the new leader\'s socket')
      out.push(peer.upgrades[seen] - t0)
      tabs.push(await openTab(context, origin, peer.url, true))
    }
    return out
  } finally {
    await context.close()
  }
}

export async function run({ rounds = 5 } = {}) {
  if (!lifelineDist) throw new Error('sharing bench: no dist/lifeline.js (run npm run build)')
  const { http, origin } = await servePage(await pageScript())
  const peer = await startServer(origin)
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true })
  try {
    const rtt = await roundTrips(browser, origin, peer.url, rounds)
    const connections = []
    for (const count of TAB_COUNTS) {
      connections.push({ tabs: count, shared: await connectionsWith(browser, origin, peer, count, true), unshared: await connectionsWith(browser, origin, peer, count, false) })
    }
    const handover = await handovers(browser, origin, peer, HANDOVERS)
    const connectionsText = table(['tabs', 'connections, share: true', 'connections, no share'], connections.map((c) => [c.tabs, c.shared, c.unshared]))
    const handoverText = table(['hand-overs', 'median', 'min', 'max', 'each (ms)'], [[
      handover.length, formatMs(median(handover)), formatMs(Math.min(...handover)), formatMs(Math.max(...handover)), handover.map(Math.round).join(' '),
    ]])
    return {
      roundTrips: rtt.rows, connections, handover,
      text: `### Chromium: call round trip, leader vs follower (${rounds} rounds of ${CALLS_PER_ROUND} sequential calls each)\n\n${rtt.text}\n\n` +
        `### Chromium: server connections for N tabs of one origin\n\n${connectionsText}\n\n` +
        `### Chromium: leader hand-over (three tabs, the leader's tab closed; until the server accepts the next leader's socket)\n\n${handoverText}`,
    }
  } finally {
    await browser.close()
    await peer.server.close()
    http.close()
  }
}
