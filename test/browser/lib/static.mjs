// A tiny static file server for the browser tests and the examples: fixed
// mount points, no directory listings, nothing outside the mounted folders,
// nothing cached (a reload must fetch the same bytes the test just built).
import { createServer } from 'node:http'
import { readFile } from 'node:fs/promises'
import { extname, join, normalize, resolve, sep } from 'node:path'

const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
  '.json': 'application/json',
}

/**
 * An http request listener serving `mounts` (URL prefix -> folder); a path
 * ending in `/` serves its index.html.
 * @param {Record<string, string>} mounts e.g. `{ '/dist/': '/repo/dist' }`
 * @returns {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => Promise<void>}
 */
export function staticFiles(mounts) {
  const roots = Object.entries(mounts).map(([prefix, dir]) => [prefix, resolve(dir)])
  return async (req, res) => {
    const file = locate(roots, req.url)
    const body = file && await readFile(file).catch(() => undefined)
    if (!body) {
      res.writeHead(404, { 'content-type': 'text/plain' })
      return void res.end('not found')
    }
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' })
    res.end(body)
  }
}

// The file a URL names, or undefined when it is outside every mount or malformed (bad %-escapes).
function locate(roots, url = '/') {
  let path
  try {
    path = decodeURIComponent(new URL(url, 'http://x').pathname)
  } catch {
    return undefined
  }
  if (path.endsWith('/')) path += 'index.html'
  const [prefix, root] = roots.find(([p]) => path.startsWith(p)) ?? []
  const file = root && normalize(join(root, path.slice(prefix.length)))
  return file?.startsWith(root + sep) ? file : undefined
}

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
