// Throughput in headless Chromium with its native WebSocket: the same cases
// as in Node (bench/lib/cases.mjs), bundled into a page served on loopback,
// against the same kind of servers (a separate Node process).
import { createServer } from 'node:http'
import { build } from 'esbuild'
import { chromium } from 'playwright-core'
import { join } from 'node:path'
import { benchDir, compareDist, root, lifelineDist } from './lib/env.mjs'
import { startServers } from './lib/spawn-servers.mjs'
import { compare, kinds } from './throughput-node.mjs'

/**
 * Lifeline's targets in Chromium (issue #20): the page's script time at most these × the native
 * WebSocket loop's, sessions on. Wall time is bound by the browser's socket pipe and has no target.
 */
export const BROWSER_TARGETS = { events: 1.25, rpc: 1.15 }

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync']

/** Bundles the cases with every browser library into one script that sets `window.bench`. */
export async function pageScript({ minify = true } = {}) {
  const contents = `
    import { WebSocket as PartySocketWebSocket } from 'partysocket'
    import ReconnectingWebSocket from 'reconnecting-websocket'
    import { JSONRPCClient } from 'json-rpc-2.0'
    import { Client as RpcWebsocketsClient } from 'rpc-websockets'
    import { io } from 'socket.io-client'
    import { makeCases } from './bench/lib/cases.mjs'
    ${lifelineDist ? `import { createClient } from 'lifeline-ws'` : 'const createClient = undefined'}
    ${compareDist ? `import { createClient as createClientCompare } from 'lifeline-compare'` : 'const createClientCompare = undefined'}
    window.bench = (urls) => makeCases({ WebSocket, createClient, createClientCompare, PartySocketWebSocket, ReconnectingWebSocket, JSONRPCClient, RpcWebsocketsClient, io }, urls)`
  const out = await build({
    // The competitors are installed in bench/node_modules, not the root's.
    stdin: { contents, resolveDir: root, sourcefile: 'page.js' }, nodePaths: [join(benchDir, 'node_modules')], bundle: true, format: 'iife', platform: 'browser', target: 'es2020',
    minify, write: false, logLevel: 'silent', alias: {
      ...(lifelineDist ? { 'lifeline-ws': lifelineDist } : {}),
      ...(compareDist ? { 'lifeline-compare': join(compareDist, 'lifeline.js') } : {}),
    },
    define: { 'process.env.NODE_ENV': '"production"' },
  })
  return out.outputFiles[0].text
}

/** Serves the page and its script on a loopback port. */
export async function servePage(script) {
  const http = createServer((req, res) => {
    if (req.url === '/bench.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(script)
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>lifeline bench</title><script src="/bench.js"></script>')
  })
  await new Promise((resolve) => http.listen(0, '127.0.0.1', resolve))
  return http
}

/**
 * Chromium moves every frame between its network and renderer processes; on
 * two cores that caps it near 10k messages/s, so 100k per run × 9 contenders ×
 * rounds would overrun the bench's 10-minute budget. 20k per run keeps the
 * median honest; `--n 100000` runs the full count.
 */
export const BROWSER_DEFAULT_N = 20_000

export async function run({ rounds = 5, n = BROWSER_DEFAULT_N } = {}) {
  const servers = await startServers()
  const http = await servePage(await pageScript())
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true })
  try {
    const page = await browser.newPage()
    page.on('pageerror', (err) => console.error('page error:', err.message))
    await page.goto(`http://127.0.0.1:${http.address().port}/`)
    // Every peer, lifeline-ws/server's two included (the bench's copy accepts this page's origin).
    const pageUrls = servers.urls
    // Which contenders the page has (lifeline's rows need a build).
    const cases = await page.evaluate((urls) => {
      const c = window.bench(urls)
      return { events: Object.fromEntries(Object.keys(c.events).map((k) => [k, 1])), rpc: Object.fromEntries(Object.keys(c.rpc).map((k) => [k, 1])) }
    }, pageUrls)
    const available = { ...cases.events, ...cases.rpc }
    // Read before and after each run (seconds, cumulative): the page's script time (ScriptDuration,
    // the issue's measure: wall time spent running script, so a descheduled thread inflates it) and
    // the main thread's CPU time (ThreadTime: everything the thread did, but only while on a core).
    const cdp = await page.context().newCDPSession(page)
    await cdp.send('Performance.enable', { timeDomain: 'threadTicks' })
    const readMetrics = async () => {
      const { metrics } = await cdp.send('Performance.getMetrics')
      const value = (name) => metrics.find((m) => m.name === name).value * 1000
      return { script: value('ScriptDuration'), thread: value('ThreadTime') }
    }
    const metrics = [
      { key: 'ms', label: 'wall time' },
      { key: 'script', label: 'page script time', target: BROWSER_TARGETS },
      { key: 'thread', label: 'main thread CPU time' },
    ]
    return await compare(kinds(available)(cases), { rounds, n, env: 'Chromium', metrics }, async (kind, name, count, param) => {
      const before = await readMetrics()
      const ms = await page.evaluate(([urls, k, nm, c, p]) => window.bench(urls)[k][nm](c, p), [pageUrls, kind, name, count, param])
      const after = await readMetrics()
      return { ms, script: after.script - before.script, thread: after.thread - before.thread }
    })
  } finally {
    await browser.close()
    http.close()
    servers.stop()
  }
}
