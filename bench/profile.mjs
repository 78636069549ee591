// Profiles one throughput case so a miss can be traced to code:
//   node bench/profile.mjs node|chromium events|rpc [contender] [n]
// Writes bench/results/<env>-<kind>-<contender>.cpuprofile (open it in Chrome
// DevTools or VS Code) and prints the functions and files the time went to.
// The peer process (servers.mjs, where lifeline-ws/server runs) is profiled
// too: bench/results/servers-<kind>-<contender>.cpuprofile, summarized after.
// Bundles are built unminified so names survive.
import { Session } from 'node:inspector/promises'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import WebSocket from 'ws'
import { chromium } from 'playwright-core'
import { makeCases } from './lib/cases.mjs'
import { root } from './lib/env.mjs'
import { startServers } from './lib/spawn-servers.mjs'
import { summarizeProfile } from './lib/profile-summary.mjs'
import { CHROMIUM_ARGS, pageScript, servePage } from './throughput-browser.mjs'
import { EVENT_WINDOW, RPC_IN_FLIGHT, loadLifeline } from './throughput-node.mjs'

const [env = 'node', kind = 'rpc', name = 'lifeline', count] = process.argv.slice(2)
const n = Number(count ?? 20_000)
const param = kind === 'rpc' ? RPC_IN_FLIGHT : EVENT_WINDOW
const profileDir = mkdtempSync(join(tmpdir(), 'lifeline-servers-'))
const servers = await startServers({ profileDir })
let profile
let ms
try {
  if (env === 'node') {
    const cases = makeCases({ WebSocket, createClient: await loadLifeline() }, servers.urls)
    await cases[kind][name](Math.round(n / 10), param)
    const session = new Session()
    session.connect()
    await session.post('Profiler.enable')
    await session.post('Profiler.start')
    ms = await cases[kind][name](n, param)
    profile = (await session.post('Profiler.stop')).profile
  } else {
    const http = await servePage(await pageScript({ minify: false }))
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true })
    try {
      const page = await browser.newPage()
      await page.goto(`http://127.0.0.1:${http.address().port}/`)
      const go = (c) => page.evaluate(([u, k, nm, c2, p]) => window.bench(u)[k][nm](c2, p), [servers.urls, kind, name, c, param])
      await go(Math.round(n / 10))
      const cdp = await page.context().newCDPSession(page)
      await cdp.send('Profiler.enable')
      await cdp.send('Profiler.start')
      ms = await go(n)
      profile = (await cdp.send('Profiler.stop')).profile
    } finally {
      await browser.close()
      http.close()
    }
  }
} finally {
  await servers.stop()
}
const file = join(root, 'bench/results', `${env}-${kind}-${name}.cpuprofile`)
mkdirSync(join(root, 'bench/results'), { recursive: true })
writeFileSync(file, JSON.stringify(profile))
console.log(`${env} ${kind} ${name}: ${n} in ${Math.round(ms)} ms; profile in ${file}\n\n${summarizeProfile(profile)}`)
// The peer process ran the warm-up and the measured run (whole-process profile, connections included).
const [written] = readdirSync(profileDir)
if (written) {
  const serverFile = join(root, 'bench/results', `servers-${kind}-${name}.cpuprofile`)
  const serverProfile = readFileSync(join(profileDir, written), 'utf8')
  writeFileSync(serverFile, serverProfile)
  console.log(`\npeer process (servers.mjs), whole run: profile in ${serverFile}\n\n${summarizeProfile(JSON.parse(serverProfile))}`)
}
rmSync(profileDir, { recursive: true, force: true })
