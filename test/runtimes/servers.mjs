// The lifeline servers the smoke suite runs its scenarios on, per runtime: `lifeline-ws/server` on
// ws everywhere (in Deno and Bun through their Node compatibility), and in Deno and Bun also the
// native entry, `lifeline-ws/server/deno` or `/bun`. Each kind starts a server on a port of its own
// (`listen`), or inside an app's own HTTP server that serves other requests too (`inApp`).
import { createServer as createHttpServer } from 'node:http'
import * as onWs from '../../dist/server.js'

const { Deno, Bun, Response } = globalThis

/** The kinds of server this runtime can run: ws always, the native one on Deno and Bun. */
export async function serverKinds() {
  const ws = {
    name: 'lifeline-ws/server (ws)',
    module: onWs,
    listen: (options, port = 0) => onWs.createServer({ port, host: '127.0.0.1', ...options }),
    async inApp(options) {
      const lifeline = onWs.createServer({ noServer: true, ...options })
      const http = createHttpServer((_request, response) => response.end('hello'))
      http.on('upgrade', (request, socket, head) => {
        if (!lifeline.handleUpgrade(request, socket, head)) socket.destroy()
      })
      await new Promise((resolve) => http.listen(0, '127.0.0.1', resolve))
      return { lifeline, port: http.address().port, close: () => new Promise((resolve) => http.close(resolve)) }
    },
  }
  if (Deno) {
    const module = await import('../../dist/server-deno.js')
    const deno = {
      name: 'lifeline-ws/server/deno (Deno.upgradeWebSocket)',
      module,
      listen: (options, port = 0) => module.createServer({ port, host: '127.0.0.1', ...options }),
      inApp(options) {
        const lifeline = module.createServer({ noServer: true, ...options })
        const app = Deno.serve({ port: 0, hostname: '127.0.0.1', onListen() {} }, (request, info) => lifeline.handleUpgrade(request, info) ?? new Response('hello'))
        return { lifeline, port: app.addr.port, close: () => app.shutdown() }
      },
    }
    return [ws, deno]
  }
  if (Bun) {
    const module = await import('../../dist/server-bun.js')
    const bun = {
      name: 'lifeline-ws/server/bun (Bun.serve)',
      module,
      listen: (options, port = 0) => module.createServer({ port, host: '127.0.0.1', ...options }),
      inApp(options) {
        const lifeline = module.createServer({ noServer: true, ...options })
        const app = Bun.serve({
          port: 0,
          hostname: '127.0.0.1',
          fetch: (request, server) => lifeline.handleUpgrade(request, server) ?? new Response('hello'),
          websocket: lifeline.websocket,
        })
        return { lifeline, port: app.port, close: () => app.stop(true) }
      },
    }
    return [ws, bun]
  }
  return [ws]
}
