// The one static file server of the repo: the demo server's built gallery,
// the CDN example, and the browser tests all use it. Fixed mount points, no
// directory listings, nothing outside the mounted folders, nothing cached
// (a reload must fetch the same bytes a test just built).
import { readFile } from 'node:fs/promises'
import { extname, join, normalize, resolve, sep } from 'node:path'

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
}

/**
 * An http request listener serving `mounts` (URL prefix -> folder); a path
 * ending in `/` serves its index.html. Anything else answers 404.
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
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' })
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
