/**
 * The real `createServer` as it is before its Transport seam, in the
 * simulation: `noServer` mode, each upgrade handed to `server.handleUpgrade`
 * with a stand-in request and Duplex, and `ws` replaced at build time by
 * shims/ws.ts, which gives the server the simulated socket. Its timers are
 * the process globals, which the kernel runs on virtual time.
 * @module
 */
import { EventEmitter } from 'node:events'
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { createServer } from '../../../src/server/index'
import type { Network } from '../net/network'
import { ServerSocket } from '../net/server-socket'
import { processControls, serverOptions, type ProcessConfig, type ServerProcess } from './server-process'

/** The upgrade's TCP socket as the server sees it: ends with the simulated socket, refusals answered on it. */
class UpgradeDuplex extends EventEmitter {
  destroyed = false
  writable = true
  constructor(readonly simSocket: ServerSocket) {
    super()
    simSocket.once('close', () => {
      this.destroyed = true
      this.writable = false
      this.emit('close')
    })
  }
  destroy() {
    if (this.destroyed) return
    this.simSocket.terminate()
  }
  /** The server refuses with an HTTP response: its status goes to the client. */
  end(response: string) {
    const status = Number(/^HTTP\/1\.1 (\d+)/.exec(response)?.[1] ?? 400)
    this.writable = false
    this.simSocket.refuse(status)
    queueMicrotask(() => this.emit('finish'))
  }
}

export function legacyProcess(config: ProcessConfig): ServerProcess {
  const { owner, scheduler } = config
  const network: Network = config.network
  const sockets = new Set<ServerSocket>()
  const server = createServer(serverOptions(config))
  return {
    owner,
    upgrade(connection) {
      const socket = new ServerSocket(network, scheduler, connection, owner)
      sockets.add(socket)
      socket.once('close', () => sockets.delete(socket))
      const request = {
        url: '/',
        method: 'GET',
        headers: { host: connection.address, upgrade: 'websocket', connection: 'Upgrade' },
        socket: { remoteAddress: `10.0.0.${connection.client.owner.slice(1)}` },
      }
      server.handleUpgrade(request as unknown as IncomingMessage, new UpgradeDuplex(socket) as unknown as Duplex, Buffer.alloc(0))
      return socket
    },
    ...processControls(server, config, sockets),
  }
}
