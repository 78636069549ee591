// The WebSocket peers the scenarios talk to: a real lifeline server (the
// built `dist/server.js`, so the test covers what ships) and a bare `ws`
// server that records raw frames. Both listen on 127.0.0.1 and can be brought
// back on the same port, which is what a "server restart" means to a client.
import { createServer as createHttpServer } from 'node:http'
import { WebSocketServer } from 'ws'

const serverModule = new URL('../../../dist/server.js', import.meta.url)

/**
 * Starts a lifeline server on its own http server, so the test owns the port. `beforeListen` runs once
 * the server exists and before any client can reach it (to publish what a restarted server already had).
 * @param {{ port?: number, allowedOrigins?: string[], methods?: Record<string, Function>, beforeListen?: (server: import('../../../src/server/types').Server) => unknown }} options
 * @returns {Promise<{ port: number, url: string, server: import('../../../src/server/types').Server, close(): Promise<void> }>}
 */
export async function startLifeline({ port = 0, beforeListen, ...options } = {}) {
  const { createServer } = await import(serverModule.href).catch((err) => {
    throw new Error(`cannot load dist/server.js (run \`npm run build\`): ${err.message}`)
  })
  const http = createHttpServer()
  const server = createServer({ server: http, ...options })
  await beforeListen?.(server)
  const bound = await listen(http, port)
  let closing
  return {
    port: bound,
    url: `ws://127.0.0.1:${bound}/`,
    server,
    close: () => (closing ??= server.close().then(() => closeHttp(http))),
  }
}

/**
 * Starts a bare `ws` server that records every text frame it receives, in order.
 * @param {{ port?: number }} options
 * @returns {Promise<{ port: number, url: string, frames: string[], close(): Promise<void> }>}
 */
export async function startRecorder({ port = 0 } = {}) {
  const http = createHttpServer()
  const wss = new WebSocketServer({ server: http })
  const frames = []
  wss.on('connection', (socket) => socket.on('message', (data) => frames.push(String(data))))
  const bound = await listen(http, port)
  return {
    port: bound,
    url: `ws://127.0.0.1:${bound}/`,
    frames,
    async close() {
      for (const client of wss.clients) client.terminate()
      await new Promise((resolve) => wss.close(() => resolve()))
      await closeHttp(http)
    },
  }
}

function listen(http, port) {
  return new Promise((resolve, reject) => {
    http.once('error', reject)
    http.listen(port, '127.0.0.1', () => resolve(http.address().port))
  })
}

function closeHttp(http) {
  return new Promise((resolve) => {
    http.closeAllConnections()
    http.close(() => resolve())
  })
}
