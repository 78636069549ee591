// A fault-injecting proxy for WebSocket upgrades: each browser connection is
// piped over TCP to the real socket server, and the lab can reset every
// connection (RST), blackhole it (keep it open, forward nothing), or find
// the server gone (the upgrade is refused).
import net from 'node:net'

/** Blackholed connections are destroyed after this, so a demo left running leaks nothing. */
const BLACKHOLE_LIMIT_MS = 60_000

/**
 * @param {() => number | undefined} backendPort - the socket server's port, undefined while it is down
 */
export function createFaultProxy(backendPort) {
  /** @type {Set<{ client: net.Socket, upstream: net.Socket, blackholed: boolean }>} */
  const pairs = new Set()

  const drop = (pair) => {
    pairs.delete(pair)
    pair.client.destroy()
    pair.upstream.destroy()
  }

  return {
    /** Hands an HTTP upgrade to the socket server, headers as received. */
    upgrade(req, client, head) {
      const port = backendPort()
      if (port === undefined) {
        client.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
        return
      }
      const upstream = net.connect(port, '127.0.0.1')
      const pair = { client, upstream, blackholed: false }
      pairs.add(pair)
      for (const s of [client, upstream]) {
        s.setNoDelay(true)
        s.on('error', () => drop(pair))
        s.on('close', () => drop(pair))
      }
      upstream.on('connect', () => {
        const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`]
        for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`)
        upstream.write(`${lines.join('\r\n')}\r\n\r\n`)
        if (head.length) upstream.write(head)
        client.pipe(upstream)
        upstream.pipe(client)
      })
    },
    /** Resets every connection: both sides see a TCP RST, as when a NAT forgets the flow. */
    reset() {
      for (const pair of pairs) {
        pairs.delete(pair)
        pair.client.resetAndDestroy()
        pair.upstream.resetAndDestroy()
      }
    },
    /** Stops forwarding on every open connection; only a heartbeat can notice. */
    blackhole() {
      for (const pair of pairs) {
        if (pair.blackholed) continue
        pair.blackholed = true
        // Keep reading and discard: nothing gets through, yet a side that gives
        // up (FIN or RST) is still noticed and the pair is cleaned up.
        for (const [from, to] of [[pair.client, pair.upstream], [pair.upstream, pair.client]]) {
          from.unpipe(to)
          from.on('data', () => {})
          from.on('end', () => drop(pair))
        }
        setTimeout(() => drop(pair), BLACKHOLE_LIMIT_MS).unref()
      }
    },
    /** Destroys every connection (used on shutdown). */
    destroyAll() {
      for (const pair of pairs) drop(pair)
    },
    get connections() {
      return pairs.size
    },
    get blackholed() {
      return [...pairs].filter((p) => p.blackholed).length
    },
  }
}
