#!/usr/bin/env node
// Takes the gallery screenshots in docs/images/: one PNG per story, in the
// full Storybook frame (sidebar, toolbar, controls), each after a short
// script that puts the demo in a state worth seeing (a message queued while
// the server is down, a chart after a restart, a lab after a cut and a
// blackhole). Each story gets a fresh demo server, so one scene's faults
// never leak into the next.
//
//   npm run build && npm run storybook:build && node demo/screenshots.mjs
//   node demo/screenshots.mjs --only chat          only the stories whose id contains "chat"
//
// Chromium through playwright-core, at /usr/bin/chromium (CHROMIUM_BIN overrides).
import { mkdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { chromium } from 'playwright-core'
import { startDemo } from './server.mjs'

const root = fileURLToPath(new URL('../', import.meta.url))
const VIEWPORT = { width: 1280, height: 900 }
const WAIT = 30_000

const { values } = parseArgs({ options: {
  out: { type: 'string', default: 'docs/images' },
  static: { type: 'string', default: 'storybook-static' },
  only: { type: 'string' },
} })

/** Waits until `fn` (run in the preview frame) returns something truthy. */
const until = (frame, fn, arg) => frame.waitForFunction(fn, arg, { timeout: WAIT, polling: 100 })
const click = (frame, action) => frame.click(`[data-action=${action}]`)
const statusOf = (text) => `[...document.querySelectorAll('[data-testid=messages] li')].find((li) => li.textContent.includes(${JSON.stringify(text)}))?.dataset.status`
const waitStatus = (frame, text, status) => until(frame, `${statusOf(text)} === ${JSON.stringify(status)}`)
const say = async (frame, text) => {
  await frame.fill('[data-testid=chat-input]', text)
  await frame.press('[data-testid=chat-input]', 'Enter')
}
const waitState = (frame, state) => until(frame, `document.querySelector('[data-testid=state]')?.textContent === ${JSON.stringify(state)}`)

/** A framework binding's demo (React, Vue, Svelte): connected, a few ticks in, the call answered. */
const bindingDemo = (prefix) => async (frame) => {
  await until(frame, `document.querySelector('[data-testid=${prefix}-state]')?.textContent === 'open'`)
  await until(frame, `Number(document.querySelector('[data-testid=${prefix}-ticks]')?.textContent) >= 5`)
  await until(frame, `document.querySelector('[data-testid=${prefix}-call]')?.textContent.startsWith('answered')`)
}

/** What to do in each story before its picture is taken; the file is named after the story. */
const scenes = {
  'welcome--welcome': { file: 'welcome' },
  'demos-chat--alice': {
    file: 'chat-alice',
    async act(frame) {
      await until(frame, "document.querySelector('[data-testid=members]')?.textContent.includes('alice')")
      await say(frame, 'Morning! The deploy is done.')
      await waitStatus(frame, 'Morning!', 'delivered')
      await say(frame, 'Release notes are in the wiki.')
      await waitStatus(frame, 'Release notes', 'delivered')
      await click(frame, 'stop')
      await until(frame, "document.querySelector('[data-testid=state]')?.textContent !== 'open'")
      await say(frame, 'Typed while the server was down')
      await waitStatus(frame, 'Typed while', 'queued')
    },
  },
  'demos-chat--bob': {
    file: 'chat-bob',
    async act(frame) {
      await until(frame, "document.querySelector('[data-testid=members]')?.textContent.includes('bob')")
      await say(frame, 'Hi, Bob here.')
      await waitStatus(frame, 'Hi, Bob', 'delivered')
      await click(frame, 'blackhole')
      await say(frame, 'Sent into a blackhole')
      await waitStatus(frame, 'Sent into', 'sent')
      // The heartbeat notices the silence, the socket is replaced, and the session delivers the call in flight.
      await waitStatus(frame, 'Sent into', 'delivered')
      await waitState(frame, 'open')
    },
  },
  'demos-dashboard--dashboard': {
    file: 'dashboard',
    async act(frame) {
      await until(frame, "Number(document.querySelector('[data-testid=received]')?.textContent) >= 30")
      await click(frame, 'restart')
      await until(frame, "Number(document.querySelector('[data-testid=opens]')?.textContent) >= 2")
      await until(frame, "Number(document.querySelector('[data-testid=received]')?.textContent) >= 60")
    },
  },
  'demos-cursors--cursors': {
    file: 'cursors',
    async act(frame, page) {
      await waitState(frame, 'open')
      // Playwright gives an element's box in the page's coordinates, iframe offset included.
      const canvas = await frame.locator('[data-testid=canvas]').boundingBox()
      const at = (i) => ({ x: canvas.x + canvas.width * (0.25 + (i % 40) / 100), y: canvas.y + canvas.height * (0.3 + (i % 40) / 150) })
      // Keep moving until the stats show moves going out, so the picture has "you" in it.
      for (let i = 0; i < 400; i++) {
        const { x, y } = at(i)
        await page.mouse.move(x, y, { steps: 2 })
        if (i % 20 === 19 && await frame.evaluate(() => Number(document.querySelector('[data-testid=sent-rate]')?.textContent) > 0)) break
      }
    },
  },
  'demos-rpc-playground--rpc-playground': {
    file: 'rpc-playground',
    async act(frame) {
      await waitState(frame, 'open')
      for (const label of ['echo', 'RpcError with data', 'method not found', 'slow 3 s, timeout 1 s']) await frame.click(`button:text-is("${label}")`)
      await until(frame, "document.querySelectorAll('[data-testid=results] li').length >= 4")
      await frame.click('button:text-is("slow 3 s")')
      await until(frame, "document.querySelectorAll('[data-testid=inflight] li').length >= 1")
    },
  },
  'demos-react-hooks--react-hooks': { file: 'react-hooks', act: bindingDemo('react') },
  'demos-vue-composables--vue-composables': { file: 'vue-composables', act: bindingDemo('vue') },
  'demos-svelte-stores--svelte-stores': { file: 'svelte-stores', act: bindingDemo('svelte') },
  'demos-sharing--sharing': {
    file: 'sharing',
    async act(frame, page) {
      const role = (name) => `document.querySelector('[data-testid=role]')?.textContent === ${JSON.stringify(name)}`
      await waitState(frame, 'open')
      await until(frame, role('leader'))
      // Two more tabs of the same story (its canvas alone, as "Open this story in a new tab" opens it): followers.
      const others = []
      for (let i = 0; i < 2; i++) {
        const tab = await page.context().newPage()
        await tab.goto(frame.url())
        await until(tab, role('follower'))
        others.push(tab)
      }
      await say(frame, 'Hello from the leader tab.')
      await say(others[0], 'And hello from a follower tab: same socket.')
      await say(others[1], 'Three tabs, one connection.')
      await until(frame, "document.querySelectorAll('[data-testid=messages] li').length >= 3")
      await until(frame, "document.querySelector('[data-testid=tabs]')?.textContent === '3' && document.querySelector('[data-testid=connections]')?.textContent === '1'")
    },
  },
  'demos-connection-lab--connection-lab': {
    file: 'connection-lab',
    async act(frame, page) {
      const opens = (n) => until(frame, `Number(document.querySelector('[data-testid=opens]')?.textContent) >= ${n}`)
      // Pauses between the faults, as a person clicking would leave, so the timeline spreads out.
      const pause = () => page.waitForTimeout(2000)
      await waitState(frame, 'open')
      await pause()
      await click(frame, 'reset')
      await opens(2)
      await pause()
      await click(frame, 'blackhole')
      await opens(3)
      await pause()
      await click(frame, 'stop')
      await until(frame, "Number(document.querySelector('[data-testid=attempt]')?.textContent) >= 3")
      await click(frame, 'send')
      await click(frame, 'start')
      await opens(4)
    },
  },
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] })
await mkdir(new URL(values.out, `file://${root}`), { recursive: true })
let failed = 0
try {
  for (const [id, scene] of Object.entries(scenes)) {
    if (values.only && !id.includes(values.only)) continue
    const demo = await startDemo({ port: 0, staticDir: new URL(values.static, `file://${root}`).pathname })
    const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 })
    const page = await context.newPage()
    try {
      await page.goto(`${demo.url}/?path=/story/${id}`)
      const preview = await (await page.waitForSelector('#storybook-preview-iframe')).contentFrame()
      await preview.waitForSelector('.story, .welcome', { timeout: WAIT })
      await scene.act?.(preview, page)
      // The picture starts at the top of the story, with no input focused.
      await preview.evaluate(() => {
        document.activeElement?.blur()
        window.scrollTo(0, 0)
      })
      // A fixed pause, not a wait for a condition: the server status refreshes every 2 s
      // and the timeline every 250 ms, and the picture should show their latest values.
      await page.waitForTimeout(2200)
      const path = `${values.out}/${scene.file}.png`
      await page.screenshot({ path: new URL(path, `file://${root}`).pathname })
      console.log(`  ${id} → ${path}`)
    } catch (err) {
      failed++
      console.error(`  ${id}: ${err.message}`)
    } finally {
      await context.close()
      await demo.close()
    }
  }
} finally {
  await browser.close()
}
process.exit(failed ? 1 : 0)
