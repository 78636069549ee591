#!/usr/bin/env node
// The gallery's demo server, on lifeline-ws/server. One HTTP port serves:
//   /ws          the socket, through a fault-injecting proxy to the real server
//   /control/*   the lab's switches: status, reset, blackhole, stop, start, restart
//   /            with --static DIR, a built gallery (storybook-static)
// Run: npm run build && node demo/server.mjs [--port 8787] [--static storybook-static]
// It imports the built entry, dist/server.js; in your own app that is
// `import { createServer } from 'lifeline-ws/server'`.
import http from 'node:http'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { createServer } from '../dist/server.js'
import { createApp } from './app.mjs'
import { createFaultProxy } from './proxy.mjs'
import { staticFiles } from './static.mjs'

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]'])
const MAX_DOWN_MS = 30_000

/**
 * Browsers send an Origin; pages on loopback (Storybook on any port) may
 * connect, anything else may not, so a site you visit cannot reach this
 * demo through your browser (cross-site WebSocket hijacking).
 */
const allowedOrigins = (origin) => {
  try {
    return LOOPBACK.has(new URL(origin).hostname)
  } catch {
    return false
  }
}

/**
 * Starts the demo on `host:port` (port 0: a free one).
 * @returns {Promise<{ url: string, port: number, close(): Promise<void> }>}
 */
export async function startDemo({ port = 0, host = '127.0.0.1', staticDir } = {}) {
  const app = createApp()
  const files = staticDir ? staticFiles({ '/': staticDir }) : (req, res) => {
    res.writeHead(404, { 'Content-Type': 'text/plain' })
    res.end('lifeline demo server: the gallery runs on Storybook (npm start), or pass --static storybook-static\n')
  }
  let backend
  let backendPort = 0
  let restarting

  const start = async () => {
    if (backend) return
    const server = createServer({
      port: backendPort, host: '127.0.0.1', path: '/ws', allowedOrigins,
      heartbeat: { interval: 10_000 }, shutdownTimeout: 1000, ...app.options,
    })
    await server.ready
    backendPort = server.port
    backend = server
    app.attach(server)
  }
  const stop = async () => {
    const server = backend
    if (!server) return
    backend = undefined
    app.detach()
    await server.close()
  }

  const proxy = createFaultProxy(() => (backend ? backendPort : undefined))
  const status = () => ({ up: !!backend, connections: proxy.connections, blackholed: proxy.blackholed })
  const actions = {
    status: () => {},
    reset: () => proxy.reset(),
    blackhole: () => proxy.blackhole(),
    stop,
    start,
    async restart(query) {
      await stop()
      const ms = Math.min(Number(query.get('downFor') ?? 2000) || 0, MAX_DOWN_MS)
      clearTimeout(restarting)
      restarting = setTimeout(() => start().catch((err) => console.error('demo: restart failed', err)), ms)
    },
  }

  const front = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://demo')
    const action = url.pathname.startsWith('/control/') && url.pathname.slice('/control/'.length)
    if (!action) return files(req, res)
    // The control surface is for loopback pages on any port (Storybook, the test harness).
    res.setHeader('Access-Control-Allow-Origin', '*')
    res.setHeader('Content-Type', 'application/json')
    if (!Object.hasOwn(actions, action) || (action !== 'status' && req.method !== 'POST')) {
      res.writeHead(404).end(JSON.stringify({ error: `unknown control ${action} (POST reset|blackhole|stop|start|restart, GET status)` }))
      return
    }
    try {
      await actions[action](url.searchParams)
      res.end(JSON.stringify(status()))
    } catch (err) {
      res.writeHead(500).end(JSON.stringify({ error: String(err) }))
    }
  })
  front.on('upgrade', (req, socket, head) => {
    if (new URL(req.url ?? '/', 'http://demo').pathname === '/ws') proxy.upgrade(req, socket, head)
    else socket.destroy()
  })

  await start()
  await new Promise((resolve, reject) => {
    front.once('error', reject)
    front.listen(port, host, resolve)
  })
  const actual = front.address().port
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${actual}`,
    port: actual,
    async close() {
      clearTimeout(restarting)
      app.close()
      proxy.destroyAll()
      await stop()
      front.closeAllConnections()
      await new Promise((resolve) => front.close(resolve))
    },
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { port: { type: 'string', default: '8787' }, host: { type: 'string', default: '127.0.0.1' }, static: { type: 'string' } } })
  const demo = await startDemo({ port: Number(values.port), host: values.host, staticDir: values.static })
  console.log(`lifeline demo server on ${demo.url} (socket ${demo.url}/ws, control ${demo.url}/control/status${values.static ? `, gallery ${demo.url}/` : ''})`)
  const quit = () => demo.close().then(() => process.exit(0))
  process.once('SIGINT', quit)
  process.once('SIGTERM', quit)
}
