// The bench's side of the capacity section: plain `ws` sockets that speak, for each server, what its
// own client says on the wire (and nothing more), so that the bench process stays light with 10,000
// of them and every contender is driven the same way:
//   ws              nothing to say: open is connected; 'sub' subscribes; any frame is echoed
//   socket.io       engine.io's open packet, then '40' connects the namespace; '420["sub"]' joins the
//                   room (its ack '430["ok"]'); '2' pings are answered '3', as socket.io-client does
//   lifeline        the rpc.session handshake a lifeline client sends first on every socket (answered
//                   with a session, or -32601 by `sessions: false`); rpc.subscribe; rpc.ping
import WebSocket from 'ws'

const rpc = (id, method, params) => JSON.stringify({ jsonrpc: '2.0', id, method, params })

/**
 * One bench socket. `next()` is the next frame that is no delivery; deliveries (frames after
 * `counting`) only count in `tally`.
 */
export function openSocket(url, tally) {
  const ws = new WebSocket(url, { perMessageDeflate: false })
  const frames = []
  let waiter
  const socket = {
    ws,
    counting: false,
    socketIo: url.includes('/socket.io/'),
    next: () => new Promise((resolve) => {
      if (frames.length) resolve(frames.shift())
      else waiter = resolve
    }),
    opened: new Promise((resolve, reject) => {
      ws.once('open', resolve)
      ws.once('error', reject)
    }),
  }
  ws.on('message', (data) => {
    // socket.io's liveness: the server pings, the client answers (socket.io-client does it by itself).
    if (socket.socketIo && data.length === 1 && data[0] === 0x32) return ws.send('3')
    // Counted without parsing; a session's rpc.ack (its own bookkeeping, not an answer) is not counted.
    if (socket.counting) {
      if (data.length < 80 && data.includes('"rpc.ack"')) return
      tally.delivered++
      if (tally.delivered === tally.target) tally.done?.()
      return
    }
    const text = String(data)
    if (waiter) {
      const resolve = waiter
      waiter = undefined
      resolve(text)
    } else frames.push(text)
  })
  ws.on('error', () => {})
  return socket
}

/** What each contender's client says: its handshake after the upgrade, a subscribe, a ping. */
export const dialogs = {
  ws: {
    path: '/',
    async handshake() {},
    async subscribe(socket) {
      socket.ws.send('sub')
      await socket.next()
    },
    async ping(socket) {
      socket.ws.send('p')
      if ((await socket.next()) !== 'p') throw new Error('ws: no echo')
    },
    call: (id) => rpc(id, 'echo', { i: id }),
  },
  'socket.io': {
    path: '/socket.io/?EIO=4&transport=websocket',
    async handshake(socket) {
      if (!(await socket.next()).startsWith('0{')) throw new Error('socket.io: no open packet')
      socket.ws.send('40')
      if (!(await socket.next()).startsWith('40')) throw new Error('socket.io: namespace not connected')
    },
    async subscribe(socket) {
      socket.ws.send('420["sub"]')
      await socket.next()
    },
    async ping(socket) {
      socket.ws.send('421["echo",1]')
      if ((await socket.next()) !== '431[1]') throw new Error('socket.io: no ack')
    },
    call: (id) => `42${id}["echo",{"i":${id}}]`,
  },
  lifeline: {
    path: '/',
    async handshake(socket) {
      socket.ws.send(rpc(1, 'rpc.session', { id: null, received: 0 }))
      const answer = JSON.parse(await socket.next())
      if (answer.id !== 1) throw new Error(`lifeline: unexpected handshake answer ${JSON.stringify(answer)}`)
    },
    async subscribe(socket) {
      socket.ws.send(rpc(2, 'rpc.subscribe', { topic: 'fan' }))
      await socket.next()
    },
    async ping(socket) {
      socket.ws.send(rpc(3, 'rpc.ping'))
      if (JSON.parse(await socket.next()).result !== 'pong') throw new Error('lifeline: no pong')
    },
    call: (id) => rpc(id, 'echo', { i: id }),
  },
}
dialogs['lifeline-plain'] = dialogs.lifeline

/** Open `count` sockets, `window` upgrades in flight at a time, each through its handshake or not. */
export async function connectMany(url, dialog, count, { window = 100, handshake = true, tally }) {
  const sockets = []
  let started = 0
  const one = async () => {
    while (started < count) {
      started++
      const socket = openSocket(url, tally)
      sockets.push(socket)
      await socket.opened
      if (handshake) await dialog.handshake(socket)
    }
  }
  await Promise.all(Array.from({ length: Math.min(window, count) }, one))
  return sockets
}

/** Close sockets and wait until each is closed. */
export async function closeAll(sockets) {
  await Promise.all(sockets.map((socket) => new Promise((resolve) => {
    if (socket.ws.readyState === WebSocket.CLOSED) return resolve()
    socket.ws.once('close', resolve)
    socket.ws.terminate()
  })))
}
