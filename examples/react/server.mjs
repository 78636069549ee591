// The chat server of the React example: a lifeline server with `chat.send`
// (publishes to the `chat` topic), `chat.history` (the last messages) and
// `time`. Runs inside Vite's dev server (vite.config.js) or on its own port.
import { createServer } from 'lifeline-ws/server'

const HISTORY = 50

/**
 * Starts the chat server. `options` are `lifeline-ws/server`'s (`port`,
 * `server` or `noServer`, `path`, `allowedOrigins`...).
 * @param {import('lifeline-ws/server').ServerOptions} options
 * @returns {{ server: import('lifeline-ws/server').Server, close(): Promise<void> }}
 * @example
 * const chat = createChatServer({ noServer: true, path: '/ws' })
 */
export function createChatServer(options) {
  /** @type {Array<{ seq: number, from: string, text: string, at: number }>} */
  const history = [{ seq: 0, from: 'lifeline', text: 'Welcome! Messages arrive through the chat topic.', at: Date.now() }]
  const server = createServer({
    ...options,
    methods: {
      'chat.send': (params) => {
        const { from, text } = /** @type {{ from?: unknown, text?: unknown }} */ (params ?? {})
        if (typeof from !== 'string' || typeof text !== 'string' || !text.trim()) {
          throw Object.assign(new Error('chat.send needs { from, text } with some text'), { code: -32602 })
        }
        const message = { from: from.slice(0, 40), text: text.slice(0, 500), at: Date.now() }
        const seq = server.publish('chat', message)
        history.push({ seq, ...message })
        if (history.length > HISTORY) history.shift()
        return { seq }
      },
      'chat.history': () => history,
      time: () => Date.now(),
    },
  })
  return { server, close: () => server.close() }
}
