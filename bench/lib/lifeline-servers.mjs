// lifeline's own server as a bench peer (started by servers.mjs, in the peer
// process): one with sessions (the default) and one with `sessions: false`,
// so a run separates what the server costs from what sessions cost.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { compareDist, root } from './env.mjs'

const methods = {
  // RPC: result = params, like the raw /rpc peer.
  echo: (params) => params,
  // Events: the client's notification comes back as a server event, like the raw /echo peer.
  tick: (params, ctx) => { ctx.notify('tick', params) },
}

/** Ports of the two servers ({ session, sessionless }, and sessionCompare with BENCH_COMPARE), or {} before `npm run build` (those rows are skipped). */
export async function startLifelineServers() {
  const dist = join(root, 'dist/server.js')
  if (!existsSync(dist)) return {}
  const start = async (file, sessions) => {
    const { createServer } = await import(pathToFileURL(file).href)
    // Any origin: the Chromium bench's page is served from another loopback port. The default rate
    // limit (1000 messages/s after a burst of 10,000) would close a bench client with 1008 mid-run; a
    // limit no run reaches keeps the bucket's per-frame cost in what is measured.
    const rateLimit = { rate: 1e9, burst: 1e9 }
    const server = createServer({ port: 0, host: '127.0.0.1', methods, allowedOrigins: () => true, rateLimit, ...(sessions ? {} : { sessions: false }) })
    await server.ready
    return server.port
  }
  return {
    session: await start(dist, true),
    sessionless: await start(dist, false),
    ...(compareDist ? { sessionCompare: await start(join(compareDist, 'server.js'), true) } : {}),
  }
}
