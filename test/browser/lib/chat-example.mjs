// The scenario of the Vite chat examples (examples/react, vue, svelte): the app
// bundled by `vite build` (lifeline-ws and its binding resolve as npm packages),
// against its chat server on another origin. One socket and one subscription
// with two components on the topic; history through a call, a sent message back
// through the topic; after the server drops the socket the badge recovers and
// the topic keeps delivering, nothing shown twice.
import { createServer as createHttpServer } from 'node:http'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import { assertEqual, until } from './util.mjs'

/**
 * @param {string} name the folder under examples/ (and under the build folder)
 * @param {string} title the scenario's title
 */
export function chatExampleScenario(name, title) {
  const app = fileURLToPath(new URL(`../../../examples/${name}/`, import.meta.url))
  return {
    title,
    async setup({ buildDir }) {
      const { build } = await import('vite')
      await build({ root: app, logLevel: 'warn', build: { outDir: join(buildDir, name), emptyOutDir: true } })
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

      const page = await open(web.url(`/build/${name}/index.html?server=${encodeURIComponent(url)}`))
      await page.waitFor(() => document.getElementById('state')?.textContent === 'open', undefined, { what: 'badge "open"' })
      await page.waitFor(() => document.getElementById('messages')?.dataset.status === 'ready', undefined, { what: 'the chat topic confirmed' })
      await page.waitFor(() => document.getElementById('messages').textContent.includes('Welcome'), undefined, { what: 'history from a call' })
      await page.waitFor(() => /\d/.test(document.getElementById('clock').textContent), undefined, { what: 'the server time from a call' })
      assertEqual(connections, 1, 'sockets opened')
      assertEqual(subscribes, 1, 'subscribe requests')

      await page.evaluate((text) => {
        // Set through the native setter, then an input event: what React, Vue's v-model and Svelte's bind:value all read.
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
}
