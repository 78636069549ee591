// Serves folders on a fresh loopback origin for each browser test run; the
// file handling is the repo's one static server, demo/static.mjs.
import { createServer } from 'node:http'
import { staticFiles } from '../../../demo/static.mjs'

/**
 * Serves `mounts` on 127.0.0.1, port 0: a new origin per call.
 * @param {Record<string, string>} mounts
 * @returns {Promise<{ origin: string, url(path: string): string, close(): Promise<void> }>}
 */
export async function serveStatic(mounts) {
  const server = createServer(staticFiles(mounts))
  await new Promise((done) => server.listen(0, '127.0.0.1', done))
  const origin = `http://127.0.0.1:${server.address().port}`
  return {
    origin,
    url: (path) => origin + path,
    close: () => new Promise((done) => { server.closeAllConnections(); server.close(() => done()) }),
  }
}
