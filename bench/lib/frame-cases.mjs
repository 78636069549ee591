// The cases of the one-process benches (bench/hotpath.mjs): an inbound event stream, outbound
// notifications and call round trips, each set up untimed and then `run()` timed for `n` frames
// (or n round trips). The same three cases run at every layer, so the cost of each can be read off
// as a difference: the raw loop (JSON only), the protocol alone (jsonRpc's encode/decode), the raw
// socket (createSocket), and the client, plain or on a session.
import { payload } from './cases.mjs'
import { FakeSocket, fakePeer } from './fake-socket.mjs'

/** How a case writes and reads frames: JSON by hand, or a lifeline protocol. */
export const jsonCodec = {
  notify: (method, params) => JSON.stringify({ jsonrpc: '2.0', method, params }),
  request: (id, method, params) => JSON.stringify({ jsonrpc: '2.0', id, method, params }),
  read: (frame) => JSON.parse(frame),
}
export const protocolCodec = (protocol) => ({
  notify: (method, params) => protocol.encode({ type: 'notification', method, params }),
  request: (id, method, params) => protocol.encode({ type: 'request', id, method, params }),
  read: (frame) => protocol.decode(frame)[0],
})

export function frameCases(n) {
  const events = Array.from({ length: n }, (_, i) => jsonCodec.notify('tick', payload(i)))
  /** Every event must have reached its handler: a run that lost some would look fast. */
  const delivered = (got) => {
    if (got !== n) throw new Error(`${got} of ${n} events reached the handler`)
  }
  /**
   * A dropped frame would make a run look fast: the case fails when `target` drops any. (A throw
   * from the drop listener itself would only be reported as an `error` event.)
   */
  const refusingDrops = (target, testCase) => {
    let dropped = 0
    target.on('drop', (items) => { dropped += items.length })
    return {
      async run() {
        await testCase.run()
        if (dropped) throw new Error(`${dropped} frames dropped`)
      },
      close: testCase.close,
    }
  }
  // In windows of 1000, as the socket bench does: the peer's acks (microtasks) come in between.
  const notifyRun = (notify) => async () => {
    for (let i = 0; i < n; i += 1000) {
      for (let k = i; k < i + 1000; k++) notify('tick', payload(k))
      await null
    }
  }
  const callRun = (call) => async () => {
    for (let i = 0; i < n; i += 100) await Promise.all(Array.from({ length: 100 }, (_, k) => call('echo', payload(i + k))))
  }
  /** A hand-written call table over `send`: a Map of resolvers, what a page without a library does. */
  const callTable = (codec, send) => {
    const pending = new Map()
    let seq = 0
    const receive = (frame) => {
      const message = codec.read(frame)
      const resolve = pending.get(message.id)
      pending.delete(message.id)
      resolve(message.result)
    }
    const call = (method, params) => new Promise((resolve) => {
      const id = ++seq
      pending.set(id, resolve)
      send(codec.request(id, method, params))
    })
    return { receive, call }
  }

  /** No socket at all: the codec's work and nothing else (the baseline, with jsonCodec). */
  function directCase(kind, codec = jsonCodec) {
    if (kind === 'events in') {
      let got = 0
      return { run: () => { for (const frame of events) if (codec.read(frame).method === 'tick') got++; delivered(got) }, close() {} }
    }
    // The peer's work on a frame it is sent, as a socket case pays it.
    const peer = fakePeer(false)
    if (kind === 'notify out') return { run: notifyRun((method, params) => peer.sent(codec.notify(method, params))), close() {} }
    const table = callTable(codec, (frame) => {
      // The same peer work as the fake peer does for a socket: parse the request, answer in a microtask.
      const sent = JSON.parse(frame)
      const answer = `{"jsonrpc":"2.0","id":${sent.id},"result":${JSON.stringify(sent.params)}}`
      queueMicrotask(() => table.receive(answer))
    })
    return { run: callRun(table.call), close() {} }
  }

  /** The raw socket (lifeline-ws/socket) under the same hand-written JSON as the baseline. */
  async function socketCase(createSocket, kind) {
    const peer = fakePeer(false)
    FakeSocket.peer = peer
    const socket = createSocket('ws://fake/', { WebSocket: FakeSocket, queue: { maxMessages: 100_000 } })
    await socket.ready()
    const close = () => socket.close()
    if (kind === 'events in') {
      let got = 0
      socket.on('message', (frame) => { if (jsonCodec.read(frame).method === 'tick') got++ })
      return { run: () => { for (const frame of events) peer.receive(frame); delivered(got) }, close }
    }
    if (kind === 'notify out') return refusingDrops(socket, { run: notifyRun((method, params) => socket.send(jsonCodec.notify(method, params))), close })
    const table = callTable(jsonCodec, (frame) => socket.send(frame))
    socket.on('message', table.receive)
    return { run: callRun(table.call), close }
  }

  /** The client: on a session with a peer that has them, plain with one that refuses the handshake. */
  async function clientCase(createClient, kind, sessions) {
    const peer = fakePeer(sessions)
    FakeSocket.peer = peer
    const client = createClient('ws://fake/', { WebSocket: FakeSocket, queue: { maxMessages: 100_000 } })
    const established = new Promise((resolve) => client.on('session', resolve))
    await client.ready()
    // Plain: the outbox opens when the refusal arrives, a microtask after the handshake went out.
    await (sessions ? established : new Promise((resolve) => setTimeout(resolve, 0)))
    const close = () => client.close()
    if (kind === 'events in') {
      let got = 0
      client.listen('tick', () => { got++ })
      return { run: () => { for (const frame of events) peer.receive(frame); delivered(got) }, close }
    }
    if (kind === 'notify out') return refusingDrops(client, { run: notifyRun((method, params) => client.notify(method, params)), close })
    // The peer answers in a microtask, so each round trip settles without a timer.
    return { run: callRun((method, params) => client.call(method, params)), close }
  }

  return { directCase, socketCase, clientCase }
}
