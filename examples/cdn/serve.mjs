// Serves the CDN example and the built library it loads, with the demo
// lifeline server on the same origin at /ws (so no allowedOrigins needed).
//   node examples/cdn/serve.mjs      (after `npm run build`)
import { createServer } from 'node:http'
import { fileURLToPath } from 'node:url'
import { staticFiles } from '../../demo/static.mjs'
import { createDemoServer } from '../server.mjs'

const root = fileURLToPath(new URL('../../', import.meta.url))

/**
 * @param {{ port?: number, host?: string }} options
 * @returns {Promise<{ url: string, close(): Promise<void> }>}
 */
export async function serveCdnExample({ port = 0, host = '127.0.0.1' } = {}) {
  const files = staticFiles({ '/examples/': `${root}examples`, '/dist/': `${root}dist` })
  const http = createServer((req, res) => {
    if (req.url !== '/') return files(req, res)
    res.writeHead(302, { location: '/examples/cdn/' })
    res.end()
  })
  await new Promise((resolve, reject) => {
    http.once('error', reject)
    http.listen(port, host, resolve)
  })
  const demo = createDemoServer({ server: http, path: '/ws' })
  return {
    url: `http://${host}:${http.address().port}/examples/cdn/`,
    close: async () => {
      await demo.close()
      http.closeAllConnections()
      await new Promise((resolve) => http.close(resolve))
    },
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { url } = await serveCdnExample({ port: Number(process.env.PORT ?? 8080) })
  console.log(`lifeline CDN example: ${url}`)
}
