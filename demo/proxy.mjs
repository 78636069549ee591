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
          from.on('end', () => drop(pair))
        }
        pair.upstream.on('data', () => {})
        // A client whose heartbeat gave up abandons the socket with a close
        // frame and moves on to a new connection, while the browser may keep
        // this TCP connection for a long time. Counting it would show more
        // connections than there are clients, so the client's close frame ends it here.
        const closeFrames = watchForClose(() => drop(pair))
        pair.client.on('data', closeFrames)
        // unpipe() leaves a stream paused, and a 'data' listener does not undo an explicit pause.
        pair.client.resume()
        pair.upstream.resume()
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

/** WebSocket opcode of a close frame (RFC 6455, 5.5.1). */
const CLOSE_OPCODE = 0x8

/**
 * Reads the client-to-server byte stream frame by frame (RFC 6455, 5.2:
 * headers only, payloads skipped) and calls `onClose` at the first close frame.
 * @param {() => void} onClose
 * @returns {(chunk: Buffer) => void}
 */
export function watchForClose(onClose) {
  let pending = Buffer.alloc(0)
  let skip = 0
  let done = false
  return (chunk) => {
    if (done) return
    pending = Buffer.concat([pending, chunk])
    for (;;) {
      if (skip) {
        const skipped = Math.min(skip, pending.length)
        skip -= skipped
        pending = pending.subarray(skipped)
        if (skip) return
      }
      if (pending.length < 2) return
      const opcode = pending[0] & 0x0f
      const masked = (pending[1] & 0x80) !== 0
      const short = pending[1] & 0x7f
      let header = 2
      let length = short
      if (short === 126) {
        if (pending.length < 4) return
        length = pending.readUInt16BE(2)
        header = 4
      } else if (short === 127) {
        if (pending.length < 10) return
        length = Number(pending.readBigUInt64BE(2))
        header = 10
      }
      if (masked) header += 4
      if (opcode === CLOSE_OPCODE) {
        done = true
        onClose()
        return
      }
      skip = header + length
    }
  }
}
