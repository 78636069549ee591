// examples/react: the React chat bundled by `vite build` (lifeline-ws and
// lifeline-ws/react resolve as npm packages), rendered under StrictMode,
// against its chat server on another origin. One socket and one subscription
// despite the double mount and two components on the topic; history through
// useCall, a sent message back through useTopic; after the server drops the socket the badge recovers and
// the topic keeps delivering.
import { createServer as createHttpServer } from 'node:http'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import { assertEqual, until } from '../lib/util.mjs'

const app = fileURLToPath(new URL('../../../examples/react/', import.meta.url))

export default {
  title: 'example: React chat (Vite)',
  async setup({ buildDir }) {
    const { build } = await import('vite')
    await build({ root: app, logLevel: 'warn', build: { outDir: join(buildDir, 'react'), emptyOutDir: true } })
  },
  async run({ open, web, defer }) {
    const { createChatServer } = await import('../../../examples/react/server.mjs')
    const http = createHttpServer()
    let connections = 0
    let subscribes = 0
    const chat = createChatServer({
      server: http,
      allowedOrigins: [web.origin],
      onConnect: () => connections++,
      authorizeSubscribe: () => {
        subscribes++
        return true
      },
    })
    await new Promise((resolve) => http.listen(0, '127.0.0.1', resolve))
    defer(async () => {
      await chat.close()
      await new Promise((resolve) => http.close(resolve))
    })
    const url = `ws://127.0.0.1:${http.address().port}/`

    const page = await open(web.url(`/build/react/index.html?server=${encodeURIComponent(url)}`))
    await page.waitFor(() => document.getElementById('state')?.textContent === 'open', undefined, { what: 'badge "open"' })
    await page.waitFor(() => document.getElementById('messages')?.dataset.status === 'ready', undefined, { what: 'the chat topic confirmed' })
    await page.waitFor(() => document.getElementById('messages').textContent.includes('Welcome'), undefined, { what: 'history from useCall' })
    await page.waitFor(() => /\d/.test(document.getElementById('clock').textContent), undefined, { what: 'the server time from useCall' })
    assertEqual(connections, 1, 'sockets opened under StrictMode')
    assertEqual(subscribes, 1, 'subscribe requests under StrictMode')

    await page.evaluate((text) => {
      // React listens to the input event and reads the value through the native setter.
      const input = document.querySelector('#composer input[name=text]')
      Object.getOwnPropertyDescriptor(window.HTMLInputElement.prototype, 'value').set.call(input, text)
      input.dispatchEvent(new window.Event('input', { bubbles: true }))
      document.querySelector('#composer button').click()
    }, 'hello from the browser')
    await page.waitFor(() => document.getElementById('messages').textContent.includes('hello from the browser'), undefined, { what: 'the sent message back through the topic' })
    // A second component on the topic saw it too, through the same subscription.
    await page.waitFor(() => document.getElementById('latest').textContent === '#1 from guest', undefined, { what: 'the second topic component' })
    assertEqual(subscribes, 1, 'subscribe requests for two components on one topic')

    for (const ctx of chat.server.clients.values()) ctx.close(1012, 'restart')
    await until(() => connections === 2, 10_000, 'the page to reconnect')
    await page.waitFor(() => document.getElementById('state').textContent === 'open', undefined, { what: 'badge "open" again' })
    await until(() => subscribes === 2, 10_000, 'the topic re-sent after the reconnect')
    chat.server.publish('chat', { from: 'server', text: 'after the reconnect', at: Date.now() })
    await page.waitFor(() => document.getElementById('messages').textContent.includes('after the reconnect'), undefined, { what: 'a message after the reconnect' })
    const items = await page.evaluate(() => document.querySelectorAll('#messages li').length)
    assertEqual(items, 3, 'messages shown (welcome, sent, after the reconnect), none twice')
  },
}
