/**
 * What the server imports from `ws`, for the simulation's build of the
 * server as it is before its Transport seam (every commit up to the server
 * redesign, 6b57a7e included): `WebSocketServer.handleUpgrade` hands over
 * the simulated socket that travels on the upgrade's stand-in Duplex
 * (world/legacy-server.ts). Nothing else of `ws` is reached in noServer mode.
 * @module
 */
import type { ServerSocket } from '../net/server-socket'

export class WebSocketServer {
  constructor(_options?: unknown) {}

  handleUpgrade(_request: unknown, socket: { simSocket: ServerSocket }, _head: unknown, callback: (ws: ServerSocket) => void) {
    const ws = socket.simSocket
    if (ws.readyState !== ws.CONNECTING) return
    ws.accept()
    callback(ws)
  }

  close() {}
}

export class WebSocket {}

export default { WebSocketServer, WebSocket }
