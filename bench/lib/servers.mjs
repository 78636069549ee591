// The loopback peers, run in their own process so the client under test has
// a core to itself (the machine has two). Started with fork(); sends its
// ports to the parent once listening and exits when the parent disconnects.
//   ws  /echo       echoes every frame verbatim (but answers a first-frame
//                   rpc.session handshake with -32601, as a plain server would)
//   ws  /rpc        answers JSON-RPC requests with result = params (rpc.session
//                   with -32601), echoes the rest
//   ws  /blackhole  reads and never answers
//   socket.io       'echo' with an ack returns its data; 'tick' is emitted back
//   rpc-websockets  its own server, method 'echo' returns its params
//   lifeline-ws/server (dist/server.js, when built), twice: sessions on (the
//                   default) and sessions: false. Method 'echo' returns its
//                   params; notification 'tick' is sent back with ctx.notify.
import { createServer } from 'node:http'
import { WebSocketServer } from 'ws'
import { Server as SocketIo } from 'socket.io'
import { Server as RpcWebsockets } from 'rpc-websockets'
import { rpcReply, sessionRefusal } from './rpc-reply.mjs'
import { startLifelineServers } from './lifeline-servers.mjs'

const listen = (server) => new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)))

const http = createServer()
const wss = new WebSocketServer({ server: http, perMessageDeflate: false })
wss.on('connection', (socket, req) => {
  const path = new URL(req.url, 'http://x').pathname
  if (path === '/blackhole') return
  let first = true
  socket.on('message', (data, isBinary) => {
    if (!isBinary && path === '/echo' && first) {
      first = false
      const refusal = sessionRefusal(data.toString())
      if (refusal !== undefined) return socket.send(refusal)
    }
    if (isBinary || path === '/echo') return socket.send(data, { binary: isBinary })
    const reply = rpcReply(data.toString())
    if (reply !== undefined) socket.send(reply)
  })
})

const sioHttp = createServer()
const io = new SocketIo(sioHttp, { transports: ['websocket'], perMessageDeflate: false, cors: { origin: '*' } })
io.on('connection', (socket) => {
  socket.on('echo', (data, ack) => ack(data))
  socket.on('tick', (data) => socket.emit('tick', data))
})

const rpcws = new RpcWebsockets({ port: 0, host: '127.0.0.1', perMessageDeflate: false })
rpcws.register('echo', (params) => params)
await new Promise((resolve) => rpcws.on('listening', resolve))

const ports = { ws: await listen(http), sio: await listen(sioHttp), rpcws: rpcws.wss.address().port, ...await startLifelineServers() }
process.send({ ports })
process.on('disconnect', () => process.exit(0))
