// The Sharing story's own interaction, in the built gallery: the story in two
// tabs shows one leader and one follower, two tabs open and one connection on
// the demo server; a message sent from the follower tab reaches both tabs.
import { buildOnce, serveBuilt } from '../../../demo/gallery.mjs'
import { assertEqual } from '../lib/util.mjs'

export default {
  title: 'story: sharing, two tabs of the story hold one connection and share the chat',
  setup: buildOnce,
  async run({ open, defer, buildDir, engine }) {
    const gallery = await serveBuilt(buildDir)
    defer(() => gallery.close())
    // A share name of this run's own, so nothing else on the origin joins.
    const url = gallery.story('demos-sharing--sharing', { channel: `e2e-${engine}` })
    const first = await open(url)
    await first.waitFor(() => document.querySelector('[data-testid=state]')?.textContent === 'open', undefined, { timeout: 20_000, what: 'the first tab to connect' })
    const second = await first.openTab(url)
    await second.waitFor(() => document.querySelector('[data-testid=state]')?.textContent === 'open', undefined, { timeout: 20_000, what: 'the second tab to connect' })

    const roles = await Promise.all([first, second].map((page) => page.waitFor(() => {
      const role = document.querySelector('[data-testid=role]')?.textContent
      return role === 'leader' || role === 'follower' ? role : false
    }, undefined, { what: 'the tab\'s role' })))
    assertEqual([...roles].sort(), ['follower', 'leader'], 'roles of the two tabs')
    // The story polls the demo server every second and counts tabs from their hellos.
    for (const page of [first, second]) {
      await page.waitFor(() => {
        const get = (testid) => document.querySelector(`[data-testid=${testid}]`)?.textContent
        return get('connections') === '1' && get('tabs') === '2'
      }, undefined, { timeout: 15_000, what: 'the story to show two tabs and one server connection' })
    }

    const follower = roles[0] === 'follower' ? first : second
    await follower.evaluate(() => {
      document.querySelector('[data-testid=chat-input]').value = 'hello from the follower'
      document.querySelector('[data-testid=chat-send]').click()
    })
    for (const page of [first, second]) {
      await page.waitFor(() => [...document.querySelectorAll('[data-testid=messages] li .text')].some((li) => li.textContent.includes('hello from the follower')), undefined, { what: 'the message in every tab' })
      const count = await page.evaluate(() => [...document.querySelectorAll('[data-testid=messages] li .text')].filter((li) => li.textContent.includes('hello from the follower')).length)
      assertEqual(count, 1, 'times the message is shown in a tab')
    }
  },
}
