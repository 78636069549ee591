// The Chat story's own interaction, in the built gallery: stop the server,
// send a message (it waits in the outbox, marked "queued"), start the server,
// and see it marked "delivered" (the server's reply), once; a fresh page then
// finds it in the room's history.
import { buildOnce, serveBuilt } from '../../../demo/gallery.mjs'
import { assertEqual } from '../lib/util.mjs'

const TEXT = 'typed while the server was down'

export default {
  title: 'story: chat message sent while the server is down is delivered',
  setup: buildOnce,
  async run({ open, defer, buildDir }) {
    const gallery = await serveBuilt(buildDir)
    defer(() => gallery.close())
    const url = gallery.story('demos-chat--alice', { room: 'e2e' })
    const page = await open(url)
    await page.waitFor(() => document.querySelector('[data-testid=members]')?.textContent.includes('alice'), undefined, { what: 'joined the room' })

    await page.evaluate(() => document.querySelector('button[data-action=stop]').click())
    await page.waitFor(() => {
      const state = document.querySelector('[data-testid=state]')?.textContent
      return state && state !== 'open'
    }, undefined, { what: 'the client to see the server go' })
    await page.evaluate((text) => {
      document.querySelector('[data-testid=chat-input]').value = text
      document.querySelector('[data-testid=chat-send]').click()
    }, TEXT)
    const pending = await page.waitFor(() => document.querySelector('[data-testid=queued]')?.textContent === '1'
      && document.querySelector('[data-testid=messages] li')?.dataset.status, undefined, { what: 'the message to be queued' })
    assertEqual(pending, 'queued', 'status while the server is down')

    await page.evaluate(() => document.querySelector('button[data-action=start]').click())
    await page.waitFor(() => document.querySelector('[data-testid=messages] li')?.dataset.status === 'delivered', undefined, { timeout: 20_000, what: 'the message to be delivered' })
    // The message itself, without its delivery badge.
    const texts = () => [...document.querySelectorAll('[data-testid=messages] li .text')].map((text) => text.textContent)
    assertEqual(await page.evaluate(texts), [`alice: ${TEXT}`], 'messages after delivery')

    // A new page joins the room and gets its history from the server: the message is there, once.
    await page.close()
    const again = await open(url)
    await again.waitFor(() => !!document.querySelector('[data-testid=messages] li'), undefined, { what: 'the room history' })
    assertEqual(await again.evaluate(texts), [`alice: ${TEXT}`], 'messages the server kept')
  },
}
