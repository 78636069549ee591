// The demo server the browser examples talk to: a lifeline server with a few
// methods and a `clock` topic that publishes the server's time every second.
import { createServer } from 'lifeline-ws/server'

/** Methods every example may call. */
export const methods = {
  echo: (params) => params,
  add: ({ a, b }) => a + b,
  time: () => Date.now(),
}

/**
 * Starts the demo server. `options` are `lifeline-ws/server`'s: where to listen
 * (`port`, `server` or `noServer`), `path`, `allowedOrigins`...
 * @returns {{ server: import('lifeline-ws/server').Server, close(): Promise<void> }}
 * @example
 * const demo = createDemoServer({ server: httpServer, path: '/ws' })
 */
export function createDemoServer(options) {
  const server = createServer({ methods, ...options })
  const clock = setInterval(() => server.publish('clock', { now: Date.now() }), 1000)
  return {
    server,
    close: () => {
      clearInterval(clock)
      return server.close()
    },
  }
}
