// A loopback TCP proxy that can go silent: `blackhole()` stops forwarding in
// both directions on every connection open at that moment, without closing
// anything, which is what a dead NAT entry or a pulled cable looks like to
// both ends. Connections made afterwards forward normally.
import { createConnection, createServer } from 'node:net'

export async function startProxy(upstreamPort) {
  const live = new Set()
  const server = createServer((client) => {
    const upstream = createConnection({ port: upstreamPort, host: '127.0.0.1' })
    const pair = { client, upstream, holed: false }
    live.add(pair)
    client.on('data', (d) => { if (!pair.holed) upstream.write(d) })
    upstream.on('data', (d) => { if (!pair.holed) client.write(d) })
    const end = () => {
      live.delete(pair)
      client.destroy()
      upstream.destroy()
    }
    client.on('close', end).on('error', end)
    upstream.on('close', end).on('error', end)
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: server.address().port,
    blackhole() {
      for (const pair of live) pair.holed = true
    },
    close() {
      for (const pair of live) {
        pair.client.destroy()
        pair.upstream.destroy()
      }
      server.close()
    },
  }
}
