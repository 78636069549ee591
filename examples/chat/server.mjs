// A chat that loses nothing across a crash of its server (`kill -9`) and a restart: the page and
// the server, no framework. One process; its topic history is a file (fileHistory), so a new
// process continues every room's numbering and replays what a page missed; a message is sent with
// an id of the page's own and `resend: true`, and published once per id, so a send in flight when
// the server died is written again to the next one and still shows once.
//   node examples/chat/server.mjs      (after `npm run build`; PORT, CHAT_HISTORY to change them)
// docs/delivery.md, "Topics across a restart", says what each setup keeps.
import { createServer as createHttpServer } from 'node:http'
import { mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { staticFiles } from '../../demo/static.mjs'
import { createServer, fileHistory, RpcError } from '../../dist/server.js'

const root = fileURLToPath(new URL('../../', import.meta.url))
const here = dirname(fileURLToPath(import.meta.url))

/** What a message may hold: short fields of text. */
const LIMITS = { id: 64, room: 40, from: 40, text: 2000 }

/** A `chat.send` params object, checked: the contract is the page's, and params come from the network. */
function checked(params) {
  const message = typeof params == 'object' && params !== null ? params : {}
  for (const [field, max] of Object.entries(LIMITS)) {
    const value = message[field]
    if (typeof value != 'string' || !value || value.length > max) {
      throw new RpcError(-32602, `Invalid params: ${field} must be a string of 1 to ${max} characters`)
    }
  }
  return { id: message.id, room: message.room, from: message.from, text: message.text }
}

/**
 * Start the chat: the page at `/`, the socket at `/ws`, the history in `historyFile`.
 * @param {{ port?: number, host?: string, historyFile?: string }} [options]
 * @returns {Promise<{ url: string, port: number, close(): Promise<void> }>}
 */
export async function startChat({ port = 0, host = '127.0.0.1', historyFile = join(here, '.data', 'history.jsonl') } = {}) {
  mkdirSync(dirname(historyFile), { recursive: true })
  // Each room keeps its last 1000 messages for a day: what a page that comes back gets replayed.
  const history = fileHistory(historyFile, { limit: 1000, maxAge: 24 * 60 * 60 * 1000 })
  const files = staticFiles({ '/examples/': `${root}examples`, '/dist/': `${root}dist` })
  const http = createHttpServer((req, res) => {
    if (req.url !== '/' && !req.url?.startsWith('/?')) return files(req, res)
    res.writeHead(302, { location: `/examples/chat/${req.url.slice(1)}` })
    res.end()
  })
  await new Promise((resolve, reject) => {
    http.once('error', reject)
    http.listen(port, host, resolve)
  })
  const server = createServer({
    server: http,
    path: '/ws',
    history,
    methods: {
      // Published once per id: a send written again after a crash (resend: true) finds its first copy.
      'chat.send': (params) => {
        const message = checked(params)
        const topic = `room:${message.room}`
        const first = history.since(topic, 0).messages.find((kept) => kept.data.id === message.id)
        if (first) return { seq: first.seq }
        return { seq: server.publish(topic, message) }
      },
    },
  })
  await server.ready
  const listening = http.address().port
  return {
    url: `http://${host}:${listening}/`,
    port: listening,
    async close() {
      await server.close()
      http.closeAllConnections()
      await new Promise((resolve) => http.close(resolve))
    },
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const chat = await startChat({ port: Number(process.env.PORT ?? 8080), historyFile: process.env.CHAT_HISTORY || undefined })
  console.log(`lifeline chat: ${chat.url}`)
  // A graceful stop: every page hears 1012 and comes back to the next server.
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => void chat.close().then(() => process.exit(0)))
}
