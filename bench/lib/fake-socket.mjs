// A WebSocket without a network and the peer behind it, for measuring a client's CPU per frame in
// one process (bench/hotpath.mjs). The peer speaks just enough of
// lifeline-ws/server's protocol: the session handshake, pings, acks every 128 tracked frames, echo.

/** A WebSocket that never touches the network; the peer's frames are injected with `receive`. */
export class FakeSocket {
  static CONNECTING = 0
  static OPEN = 1
  static CLOSING = 2
  static CLOSED = 3
  readyState = 0
  bufferedAmount = 0
  protocol = ''
  extensions = ''
  binaryType = 'blob'
  onopen = null
  onmessage = null
  onclose = null
  onerror = null
  constructor(url) {
    this.url = url
    FakeSocket.peer.attach(this)
    queueMicrotask(() => {
      this.readyState = 1
      this.onopen?.({})
    })
  }
  send(data) {
    FakeSocket.peer.sent(data)
  }
  close() {
    this.readyState = 3
  }
}

/**
 * The peer: answers the handshake and pings, acknowledges tracked frames every 128, echoes calls.
 * Without `sessions` it refuses the handshake as a server without sessions does (-32601) and never
 * acknowledges: the client runs plain.
 */
export function fakePeer(sessions) {
  let socket
  let tracked = 0
  const receive = (data) => socket.onmessage?.({ data })
  // A socket never delivers inside send(): the peer answers in a microtask.
  const reply = (data) => queueMicrotask(() => receive(data))
  return {
    attach: (next) => { socket = next },
    receive,
    sent(data) {
      // Notifications are only counted (the raw loop's sink does nothing with its frames either);
      // requests and the client's control frames are read.
      if (data.startsWith('{"jsonrpc":"2.0","method":"tick"')) {
        if (sessions && ++tracked % 128 === 0) reply(`{"jsonrpc":"2.0","method":"rpc.ack","params":{"received":${tracked}}}`)
        return
      }
      const message = JSON.parse(data)
      if (message.method === 'rpc.session') {
        return reply(sessions
          ? `{"jsonrpc":"2.0","id":${message.id},"result":{"id":"s","resumed":false,"received":0}}`
          : `{"jsonrpc":"2.0","id":${message.id},"error":{"code":-32601,"message":"Method not found"}}`)
      }
      if (message.method === 'rpc.ping') return reply(`{"jsonrpc":"2.0","id":${message.id},"result":"pong"}`)
      if (message.method === 'rpc.ack') return
      if (sessions && ++tracked % 128 === 0) reply(`{"jsonrpc":"2.0","method":"rpc.ack","params":{"received":${tracked}}}`)
      if (message.id !== undefined) reply(`{"jsonrpc":"2.0","id":${message.id},"result":${JSON.stringify(message.params)}}`)
    },
  }
}
