// Serves a built gallery (storybook-static) from the demo server, so one
// origin has both the pages and the socket. Only files under the root are served.
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import path from 'node:path'

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css',
  '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon',
  '.woff2': 'font/woff2', '.map': 'application/json', '.txt': 'text/plain',
}

/** Answers `pathname` from `root`, or 404; without a root, a one-line pointer to the gallery. */
export async function serveStatic(root, pathname, res) {
  if (!root) {
    res.writeHead(404, { 'Content-Type': 'text/plain' })
    res.end('lifeline demo server: the gallery runs on Storybook (npm start), or pass --static storybook-static\n')
    return
  }
  const base = path.resolve(root)
  let file
  try {
    file = path.resolve(base, `.${decodeURIComponent(pathname)}`)
  } catch {
    return res.writeHead(400).end()
  }
  if (file !== base && !file.startsWith(base + path.sep)) return res.writeHead(403).end()
  try {
    if ((await stat(file)).isDirectory()) file = path.join(file, 'index.html')
    await stat(file)
  } catch {
    return res.writeHead(404).end()
  }
  res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream' })
  createReadStream(file).pipe(res)
}
