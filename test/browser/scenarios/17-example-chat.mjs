// examples/chat (`node examples/chat/server.mjs`): two pages of one room while their server is
// killed with SIGKILL in the middle of a burst of sends and started again on the same port and
// history file. Every message, those in flight at the kill and those typed while it was down,
// shows exactly once on both pages, in the same order, numbered without a hole, and neither page
// says that messages were lost (docs/delivery.md, "Topics across a restart").
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { assert, assertEqual, freePort, until } from '../lib/util.mjs'

/** The chat server in a process of its own (so it can be SIGKILLed), up once it says where. */
async function startChatProcess(root, port, historyFile) {
  const child = spawn(process.execPath, [join(root, 'examples/chat/server.mjs')], {
    env: { ...process.env, PORT: String(port), CHAT_HISTORY: historyFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (chunk) => { output += chunk })
  child.stderr.on('data', (chunk) => { output += chunk })
  const exited = new Promise((resolve) => child.once('exit', resolve))
  await until(() => output.includes('lifeline chat:') || child.exitCode !== null, 20_000, 'the chat server to start')
  if (!output.includes('lifeline chat:')) throw new Error(`the chat server did not start:\n${output}`)
  return { child, exited, output: () => output }
}

const rows = () => [...document.querySelectorAll('#messages li')].map((li) => [Number(li.dataset.seq), li.textContent])

export default {
  title: 'example: chat across kill -9',
  async run({ open, defer, root, engine }) {
    const dir = mkdtempSync(join(tmpdir(), 'lifeline-chat-'))
    defer(async () => rmSync(dir, { recursive: true, force: true }))
    const historyFile = join(dir, 'history.jsonl')
    const port = await freePort()
    let server = await startChatProcess(root, port, historyFile)
    defer(async () => { server.child.kill('SIGKILL') })

    const room = `r-${engine}`
    const ann = await open(`http://127.0.0.1:${port}/?room=${room}&name=ann`)
    const bob = await ann.openTab(`http://127.0.0.1:${port}/?room=${room}&name=bob`)
    for (const page of [ann, bob]) await page.waitFor(() => document.getElementById('state').textContent === 'open', undefined, { what: 'the page to connect' })

    // Typed through the form, as a person would.
    await ann.evaluate(() => {
      const form = document.getElementById('send')
      for (let n = 1; n <= 5; n++) {
        form.elements.text.value = `a${n}`
        form.requestSubmit()
      }
    })
    for (const page of [ann, bob]) await page.waitFor(() => document.querySelectorAll('#messages li').length === 5, undefined, { what: 'the first five messages' })

    // A burst of sends, and the server killed while they are on their way.
    await ann.evaluate(() => {
      window.burst = Promise.all(Array.from({ length: 10 }, (_, i) => window.chat.send(`b${i + 1}`)))
      window.burst.then(() => { window.burstDone = true }, (err) => { window.burstFailed = String(err) })
    })
    server.child.kill('SIGKILL')
    await server.exited
    for (const page of [ann, bob]) await page.waitFor(() => window.chat.client.state !== 'open', undefined, { what: 'the page to notice the server died' })
    // Typed while no server is up: queued in the page.
    await bob.evaluate(() => {
      window.down = Promise.all(['c1', 'c2', 'c3'].map((text) => window.chat.send(text)))
      window.down.then(() => { window.downDone = true }, (err) => { window.downFailed = String(err) })
    })

    server = await startChatProcess(root, port, historyFile)
    await ann.waitFor(() => window.burstDone || window.burstFailed, undefined, { what: 'the burst to settle' })
    await bob.waitFor(() => window.downDone || window.downFailed, undefined, { what: 'the sends made while down to settle' })
    assertEqual(await ann.evaluate(() => window.burstFailed ?? null), null, 'no send of the burst failed')
    assertEqual(await bob.evaluate(() => window.downFailed ?? null), null, 'no send made while down failed')

    const texts = ['a1', 'a2', 'a3', 'a4', 'a5', ...Array.from({ length: 10 }, (_, i) => `b${i + 1}`), 'c1', 'c2', 'c3']
    for (const page of [ann, bob]) await page.waitFor((count) => document.querySelectorAll('#messages li').length >= count, texts.length, { what: `all ${texts.length} messages` })
    // Settled: one more message after everything, so nothing else is on its way when the lists are read.
    await ann.evaluate(() => window.chat.send('last'))
    for (const page of [ann, bob]) await page.waitFor(() => [...document.querySelectorAll('#messages li')].some((li) => li.textContent.endsWith('last')), undefined, { what: 'the last message' })

    const [annRows, bobRows] = [await ann.evaluate(rows), await bob.evaluate(rows)]
    assertEqual(bobRows, annRows, 'both pages show the same messages in the same order')
    assertEqual(annRows.map(([seq]) => seq), Array.from({ length: texts.length + 1 }, (_, i) => i + 1), 'numbered 1.. without a hole or a repeat across the restart')
    const shown = annRows.map(([, text]) => text.replace(/^(ann|bob)/, ''))
    assertEqual([...shown].sort(), [...texts, 'last'].sort(), 'every message exactly once')
    assert(shown.indexOf('a5') < shown.indexOf('b1'), `the first five come first: ${shown.join(' ')}`)
    for (const page of [ann, bob]) assertEqual(await page.evaluate(() => document.getElementById('gap').hidden), true, 'no page says messages were lost')
    assertEqual(server.output().split('\n').filter((line) => line && !line.startsWith('lifeline chat:')), [], 'the server printed nothing else')
  },
}
