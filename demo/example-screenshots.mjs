#!/usr/bin/env node
// Takes the screenshots of the chat examples in docs/images/: each Vite example
// (react, vue, svelte) built with `vite build`, served by `vite preview` with
// its chat server at /ws, and examples/chat served by its own server (on a
// scratch history file), two messages sent through its composer, then a
// 900×600 picture in Chromium. Run after `npm run build`:
//
//   node demo/example-screenshots.mjs               all four
//   node demo/example-screenshots.mjs --only vue    one (react, vue, svelte or chat)
//
// Chromium through playwright-core, at /usr/bin/chromium (CHROMIUM_BIN overrides).
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { chromium } from 'playwright-core'
import { build, preview } from 'vite'

const root = fileURLToPath(new URL('../', import.meta.url))
const WAIT = 30_000
const { values } = parseArgs({ options: { only: { type: 'string' }, out: { type: 'string', default: 'docs/images' } } })
const examples = ['react', 'vue', 'svelte', 'chat'].filter((name) => !values.only || name === values.only)

/** examples/chat, no framework: its own server, a history file in `scratch`; its page's URL and how to stop it. */
async function serveChat(scratch) {
  const { startChat } = await import('../examples/chat/server.mjs')
  const chat = await startChat({ historyFile: join(scratch, 'chat-history.jsonl') })
  return { url: `${chat.url}?room=lobby&name=ada`, close: chat.close }
}

/** A Vite example built into `scratch` and served by `vite preview`: its URL and how to stop it. */
async function serveVite(name, scratch) {
  const app = join(root, 'examples', name)
  const outDir = join(scratch, name)
  await build({ root: app, logLevel: 'warn', build: { outDir, emptyOutDir: true } })
  const server = await preview({ root: app, logLevel: 'warn', build: { outDir }, preview: { host: '127.0.0.1', port: 0 } })
  return { url: server.resolvedUrls.local[0], close: () => server.close() }
}

/** Two messages typed into examples/chat's form, each shown once it came back through the room's topic. */
async function chatTwoMessages(page, texts) {
  await page.waitForFunction(() => document.getElementById('state').textContent === 'open', undefined, { timeout: WAIT })
  for (const text of texts) {
    await page.fill('#send input[name=text]', text)
    await page.click('#send button')
    await page.waitForFunction((sent) => document.getElementById('messages').textContent.includes(sent), text, { timeout: WAIT })
  }
}

/** Two messages through a Vite example's composer, then its clock ticking. */
async function viteTwoMessages(page, name) {
  await page.waitForFunction(() => document.getElementById('messages')?.dataset.status === 'ready', undefined, { timeout: WAIT })
  for (const [from, text] of [['ada', `Hello from the ${name} example.`], ['bob', 'One socket, one subscription, two components on the topic.']]) {
    await page.fill('#composer input[name=from]', from)
    await page.fill('#composer input[name=text]', text)
    await page.click('#composer button')
    await page.waitForFunction((sent) => document.getElementById('messages').textContent.includes(sent), text, { timeout: WAIT })
  }
  await page.waitForFunction(() => /\d/.test(document.getElementById('clock').textContent), undefined, { timeout: WAIT })
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] })
const scratch = await mkdtemp(join(tmpdir(), 'lifeline-examples-'))
let failed = 0
try {
  for (const name of examples) {
    const server = name === 'chat' ? await serveChat(scratch) : await serveVite(name, scratch)
    const page = await browser.newPage({ viewport: { width: 900, height: 600 }, deviceScaleFactor: 1 })
    try {
      await page.goto(server.url)
      if (name === 'chat') await chatTwoMessages(page, ['Hello from the chat that survives a restart.', 'Its server can be killed: nothing is lost or shown twice.'])
      else await viteTwoMessages(page, name)
      await page.evaluate(() => document.activeElement?.blur())
      const path = join(values.out, `example-${name}.png`)
      await page.screenshot({ path: join(root, path) })
      console.log(`  examples/${name} → ${path}`)
    } catch (err) {
      failed++
      console.error(`  examples/${name}: ${err.message}`)
    } finally {
      await page.close()
      await server.close()
    }
  }
} finally {
  await browser.close()
  await rm(scratch, { recursive: true, force: true })
}
process.exit(failed ? 1 : 0)
