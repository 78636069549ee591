// The throughput contenders, written once for Node and Chromium. Each case
// connects (untimed), times `n` messages, disconnects, and returns the
// elapsed milliseconds. Libraries are passed in so the same file runs under
// Node (ws) and in the page bundle (native WebSocket).

/** The small JSON payload every contender sends. */
export const payload = (i) => ({ i, user: 'ada', text: 'hello, world', ts: 1700000000000 + i })

const opened = (ws) => new Promise((resolve, reject) => {
  ws.addEventListener('open', resolve, { once: true })
  ws.addEventListener('error', () => reject(new Error('socket error before open')), { once: true })
})

/**
 * Keeps `window` messages in flight: `start` sends the first window, every
 * `got()` sends the next until `n` have come back. Resolves `done` then.
 */
function pump(n, window, send) {
  let sent = 0
  let got = 0
  let resolve
  const done = new Promise((r) => { resolve = r })
  return {
    done,
    start() { while (sent < Math.min(window, n)) send(sent++) },
    got() { if (++got === n) resolve(); else if (sent < n) send(sent++) },
  }
}

/** `workers` callers in parallel, each awaiting `call(i)` until `n` calls have completed. */
async function parallel(n, workers, call) {
  let next = 0
  const worker = async () => { while (next < n) await call(next++) }
  await Promise.all(Array.from({ length: Math.min(workers, n) }, worker))
}

/** Runs `body` between a performance.now() pair. */
async function timed(body) {
  const t0 = performance.now()
  await body()
  return performance.now() - t0
}

/** Events over anything that looks like a WebSocket: JSON-RPC notifications out, parsed on the way back. */
async function socketEvents(ws, n, window) {
  await opened(ws)
  const p = pump(n, window, (i) => ws.send(JSON.stringify({ jsonrpc: '2.0', method: 'tick', params: payload(i) })))
  ws.addEventListener('message', (e) => { if (JSON.parse(e.data).method === 'tick') p.got() })
  const ms = await timed(() => { p.start(); return p.done })
  ws.close()
  return ms
}

/**
 * @param libs { WebSocket, createClient?, createClientCompare?, PartySocketWebSocket, ReconnectingWebSocket, JSONRPCClient, RpcWebsocketsClient, io }
 * @param urls { echo, rpc, sio, rpcws, session?, sessionless?, sessionCompare? } (the last three: lifeline-ws/server peers)
 */
export function makeCases(libs, urls) {
  const WS = libs.WebSocket
  const lifeline = (url, options, create = libs.createClient) => create(url, { WebSocket: WS, ...options })
  /**
   * A client that is open and, against a sessions server, has its session (both untimed). With a
   * session, frames written and not yet acknowledged count against `queue.maxMessages` (1000 by
   * default), and the server acknowledges up to 128 frames or 200 ms late: a window of 1000
   * would overflow it and lose events, so that client gets room for ten windows.
   */
  const connected = async (url, session, create) => {
    const client = lifeline(url, session ? { queue: { maxMessages: 10_000 } } : undefined, create)
    const established = session ? new Promise((resolve) => client.on('session', resolve)) : undefined
    await client.ready()
    await established
    return client
  }
  /** The client notifies 'tick', the peer sends each back as a 'tick' event. */
  const lifelineEvents = (url, session = false, create = undefined) => async (n, w) => {
    const client = await connected(url, session, create)
    const p = pump(n, w, (i) => client.notify('tick', payload(i)))
    client.listen('tick', p.got)
    // A dropped event would never come back: fail the run instead of waiting forever.
    const dropped = new Promise((_, reject) => client.on('drop', (e) => reject(new Error(`lifeline dropped ${e.items.length} frames (${e.reason})`))))
    const ms = await timed(() => { p.start(); return Promise.race([p.done, dropped]) })
    client.close()
    return ms
  }
  const lifelineRpc = (url, session = false, create = undefined) => async (n, f) => {
    const client = await connected(url, session, create)
    const ms = await timed(() => parallel(n, f, (i) => client.call('echo', payload(i))))
    client.close()
    return ms
  }
  const events = {
    raw: (n, w) => socketEvents(new WS(urls.echo), n, w),
    lifeline: lifelineEvents(urls.echo),
    partysocket: (n, w) => socketEvents(new libs.PartySocketWebSocket(urls.echo, undefined, { WebSocket: WS }), n, w),
    'reconnecting-websocket': (n, w) => socketEvents(new libs.ReconnectingWebSocket(urls.echo, [], { WebSocket: WS }), n, w),
  }
  // The hand-rolled baseline: an id counter, a Map of resolvers, JSON both ways.
  const rawRpc = (url) => async (n, f) => {
    const ws = new WS(url)
    await opened(ws)
    const pending = new Map()
    let seq = 0
    ws.addEventListener('message', (e) => {
      const m = JSON.parse(e.data)
      const p = pending.get(m.id)
      if (!p) return
      pending.delete(m.id)
      if (m.error) p.reject(m.error); else p.resolve(m.result)
    })
    const call = (method, params) => new Promise((resolve, reject) => {
      const id = ++seq
      pending.set(id, { resolve, reject })
      ws.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }))
    })
    const ms = await timed(() => parallel(n, f, (i) => call('echo', payload(i))))
    ws.close()
    return ms
  }
  const rpc = {
    raw: rawRpc(urls.rpc),
    lifeline: lifelineRpc(urls.rpc),
    'json-rpc-2.0': async (n, f) => {
      const ws = new WS(urls.rpc)
      await opened(ws)
      const client = new libs.JSONRPCClient((req) => ws.send(JSON.stringify(req)))
      ws.addEventListener('message', (e) => client.receive(JSON.parse(e.data)))
      const ms = await timed(() => parallel(n, f, (i) => client.request('echo', payload(i))))
      ws.close()
      return ms
    },
    'rpc-websockets': async (n, f) => {
      const client = new libs.RpcWebsocketsClient(urls.rpcws, { reconnect: false })
      await new Promise((resolve) => client.once('open', resolve))
      const ms = await timed(() => parallel(n, f, (i) => client.call('echo', payload(i))))
      client.close()
      return ms
    },
    'socket.io-client': async (n, f) => {
      const socket = libs.io(urls.sio, { transports: ['websocket'], reconnection: false })
      await new Promise((resolve) => socket.once('connect', resolve))
      const ms = await timed(() => parallel(n, f, (i) => socket.emitWithAck('echo', payload(i))))
      socket.close()
      return ms
    },
  }
  // lifeline-ws/server peers: what the server costs (sessions: false), then what sessions add.
  if (urls.sessionless) {
    events['lifeline, server'] = lifelineEvents(urls.sessionless)
    rpc['lifeline, server'] = lifelineRpc(urls.sessionless)
  }
  if (urls.session) {
    events['lifeline, sessions'] = lifelineEvents(urls.session, true)
    rpc['lifeline, sessions'] = lifelineRpc(urls.session, true)
    // The raw client against that same server process (it asks for no session, so it is served as
    // without one): the anchor that carries the server's own per-frame work, which the raw peers
    // (an echo that does not even parse) do not. 'lifeline, sessions' over this is the client's share.
    events['raw, server'] = (n, w) => socketEvents(new WS(urls.session), n, w)
    rpc['raw, server'] = rawRpc(urls.session)
  }
  // BENCH_COMPARE: an earlier build, client and server, in the same interleaved rounds.
  if (urls.sessionCompare && libs.createClientCompare) {
    events['lifeline, sessions @compare'] = lifelineEvents(urls.sessionCompare, true, libs.createClientCompare)
    rpc['lifeline, sessions @compare'] = lifelineRpc(urls.sessionCompare, true, libs.createClientCompare)
  }
  if (!libs.createClient) {
    for (const name of ['lifeline', 'lifeline, server', 'lifeline, sessions']) {
      delete events[name]
      delete rpc[name]
    }
  }
  return { events, rpc }
}
