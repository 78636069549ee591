// `node bench/worker.mjs` (after `npm run build`): what moving the socket into a dedicated Worker
// saves the main thread, in headless Chromium, on a 10,000-message topic stream from
// lifeline-ws/server. The same page handles the stream two ways, in one run:
//   main thread: the client on the page (the CDN build), its handler keeping a count and the last value;
//   worker:      the client in test/browser/pages/socket-worker.js (docs/workers.md's recipe), which
//                posts the messages to the page in batches (one post per 16 ms); the page's handler
//                does the same work per message.
// Measured on the page's main thread only, from the DevTools Performance domain (ScriptDuration:
// time running script; ThreadTime: the main thread's CPU time), from the subscribe until the page
// has all 10,000; median of --rounds (default 5), reported with the ratio main/worker.
import { chromium } from 'playwright-core'
import { join } from 'node:path'
import { startLifeline } from '../test/browser/lib/peers.mjs'
import { serveStatic } from '../test/browser/lib/static.mjs'
import { root } from './lib/env.mjs'

const MESSAGES = 10_000
// throughput-browser.mjs's flags (imported from there, its competitors would have to be installed).
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 5
const web = await serveStatic({ '/dist/': join(root, 'dist'), '/pages/': join(root, 'test/browser/pages') })
const peer = await startLifeline({ allowedOrigins: [web.origin], rateLimit: false })
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true })

/** The page's handling of one message, the same in both ways: a count and the latest value. */
const pageSetup = () => {
  window.seen = 0
  window.latest = undefined
  window.onPrice = (data) => {
    window.seen++
    window.latest = data
  }
}

async function measure(way) {
  const page = await browser.newPage()
  await page.goto(web.url('/pages/worker.html'))
  await page.evaluate(pageSetup)
  const topic = `stream-${way}-${Math.random().toString(36).slice(2)}`
  if (way === 'main thread') {
    await page.addScriptTag({ url: '/dist/lifeline.umd.min.js' })
    await page.evaluate(async ({ url, topic }) => {
      window.client = window.Lifeline.createClient(url)
      await window.client.ready()
      window.subscribe = () => window.client.subscribe(topic, window.onPrice).ready
    }, { url: peer.url, topic })
  } else {
    await page.evaluate(async ({ url, topic }) => {
      window.startWorker()
      await window.ask('connect', url, `bench-${topic}`)
      await window.ask('ready')
      // The batches worker.html collects, handed to the same per-message handler.
      const collect = window.socketWorker.onmessage
      window.socketWorker.onmessage = (event) => {
        if (event.data.topic === topic) event.data.messages.forEach(window.onPrice)
        else collect(event)
      }
      window.subscribe = () => window.ask('subscribe', topic)
    }, { url: peer.url, topic })
  }
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' })
  const read = async () => {
    const { metrics } = await cdp.send('Performance.getMetrics')
    const value = (name) => metrics.find((metric) => metric.name === name).value * 1000
    return { script: value('ScriptDuration'), thread: value('ThreadTime') }
  }
  await page.evaluate(() => window.subscribe())
  const before = await read()
  const started = performance.now()
  for (let n = 1; n <= MESSAGES; n++) peer.server.publish(topic, { n, symbol: 'LFLN', price: 100 + (n % 97) / 10, at: 1_700_000_000_000 + n })
  await page.waitForFunction((count) => window.seen >= count, MESSAGES, { polling: 20, timeout: 120_000 })
  const wall = performance.now() - started
  const after = await read()
  await page.close()
  return { script: after.script - before.script, thread: after.thread - before.thread, wall }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
const results = { 'main thread': [], worker: [] }
const version = browser.version()
try {
  for (let round = 0; round < rounds; round++) {
    for (const way of Object.keys(results)) results[way].push(await measure(way))
  }
} finally {
  await browser.close()
  await peer.close()
  await web.close()
}
const summary = Object.fromEntries(Object.entries(results).map(([way, runs]) => [way, {
  script: median(runs.map((run) => run.script)),
  thread: median(runs.map((run) => run.thread)),
  wall: median(runs.map((run) => run.wall)),
}]))
const main = summary['main thread']
const worker = summary.worker
console.log(`Chromium ${version}, ${MESSAGES.toLocaleString('en')} topic messages, median of ${rounds} rounds, the page's main thread`)
console.log('| client on | page script time (ms) | main-thread CPU time (ms) | wall time until the page has all (ms) |')
console.log('| --- | --- | --- | --- |')
for (const [way, row] of Object.entries(summary)) console.log(`| ${way} | ${row.script.toFixed(0)} | ${row.thread.toFixed(0)} | ${row.wall.toFixed(0)} |`)
console.log(`| ratio main / worker | ${(main.script / worker.script).toFixed(1)}x | ${(main.thread / worker.thread).toFixed(1)}x | ${(main.wall / worker.wall).toFixed(2)}x |`)
process.exit(0)
