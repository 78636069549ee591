// The repo's one static file server (demo/static.mjs) serves the gallery, the
// CDN example and the browser tests' pages: it must never leave its folders.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs'
import { createServer, request, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { staticFiles } from '../../demo/static.mjs'

const base = mkdtempSync(join(tmpdir(), 'lifeline-static-'))
mkdirSync(join(base, 'site/docs'), { recursive: true })
writeFileSync(join(base, 'site/index.html'), '<h1>home</h1>')
writeFileSync(join(base, 'site/docs/index.html'), '<h1>docs</h1>')
writeFileSync(join(base, 'site/app.js'), 'export {}')
writeFileSync(join(base, 'secret.txt'), 'not for you')

let server: Server
let port = 0

/** A raw GET, so the path reaches the server exactly as written (fetch would normalise `..`). */
const get = (path: string) => new Promise<{ status: number; type: string; cache: string; body: string }>((done, fail) => {
  request({ host: '127.0.0.1', port, path }, (res) => {
    let body = ''
    res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk)).on('end', () =>
      done({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), cache: String(res.headers['cache-control']), body }))
  }).on('error', fail).end()
})

beforeAll(async () => {
  const serve = staticFiles({ '/': join(base, 'site') })
  server = createServer((req, res) => void serve(req, res))
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  port = (server.address() as AddressInfo).port
})
afterAll(() => new Promise<void>((done) => server.close(() => done())))

describe('staticFiles', () => {
  it('serves a file with its type and no caching', async () => {
    expect(await get('/app.js')).toEqual({ status: 200, type: 'text/javascript; charset=utf-8', cache: 'no-store', body: 'export {}' })
  })

  it('serves index.html for a path ending in /', async () => {
    expect((await get('/')).body).toBe('<h1>home</h1>')
    expect((await get('/docs/?path=/story/x')).body).toBe('<h1>docs</h1>')
  })

  it('answers 404 for a missing file', async () => {
    expect((await get('/nope.js')).status).toBe(404)
  })

  it.each(['/../secret.txt', '/%2e%2e/secret.txt', '/docs/..%2f..%2fsecret.txt', '/%E0%A4%A'])('refuses %s', async (path) => {
    const res = await get(path)
    expect(res.status).toBe(404)
    expect(res.body).not.toContain('not for you')
  })
})
