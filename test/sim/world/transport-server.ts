/**
 * The real server core in the simulation, through its Transport seam
 * (src/server/transport/transport.ts): `createCore` over a transport whose
 * sockets are the simulated network's, and every timer on the process's own
 * virtual clock (resolveServerOptions' second argument). Nothing of `ws` or
 * `node:http` runs; a run is strict: a use of the timer globals, `Date.now`
 * or `Math.random` is a finding (the server must take its clock).
 * @module
 */
import type { IncomingMessage } from 'node:http'
import { createCore } from '../../../src/server/core'
import { resolveServerOptions } from '../../../src/server/resolve-options'
import type { Transport, TransportHost, TransportSocket } from '../../../src/server/transport/transport'
import { clockFor } from '../kernel/clocks'
import { ServerSocket } from '../net/server-socket'
import { processControls, serverOptions, type ProcessConfig, type ServerProcess } from './server-process'

/** A simulated socket as the core drives it. */
class SimTransportSocket implements TransportSocket {
  constructor(private readonly socket: ServerSocket) {}
  send(text: string) {
    this.socket.send(text)
  }
  close(code: number, reason: string) {
    this.socket.close(code, reason)
  }
  terminate() {
    this.socket.terminate()
  }
  ping() {
    this.socket.ping()
  }
  get bufferedAmount() {
    return this.socket.bufferedAmount
  }
  get open() {
    return this.socket.readyState === this.socket.OPEN
  }
}

export function transportProcess(config: ProcessConfig): ServerProcess {
  const { owner, scheduler, network } = config
  const clock = clockFor(scheduler, owner)
  const sockets = new Set<ServerSocket>()
  let host: TransportHost<unknown> | undefined
  let accepting = true
  let emptied: (() => void) | undefined
  const transport: Transport<unknown> = {
    start(given) {
      host = given
      return Promise.resolve()
    },
    stop() {
      accepting = false
    },
    drained(ms) {
      return new Promise<void>((resolve) => {
        if (!sockets.size) return resolve()
        const timer = clock.setTimeout(() => {
          emptied = undefined
          resolve()
        }, ms)
        emptied = () => {
          clock.clearTimeout(timer)
          emptied = undefined
          resolve()
        }
      })
    },
    terminate() {
      for (const socket of [...sockets]) socket.terminate()
    },
    close() {},
  }
  const resolved = resolveServerOptions(serverOptions(config), clock)
  const core = createCore(resolved, transport)
  return {
    owner,
    upgrade(connection) {
      const socket = new ServerSocket(network, scheduler, connection, owner)
      sockets.add(socket)
      socket.once('close', () => {
        sockets.delete(socket)
        if (!sockets.size) emptied?.()
      })
      if (!accepting || !host) {
        socket.refuse(503)
        return socket
      }
      socket.accept()
      const request = { url: '/', method: 'GET', headers: { host: connection.address }, socket: { remoteAddress: `10.0.0.${connection.client.owner.slice(1)}` } }
      const events = host.accept(new SimTransportSocket(socket), request as unknown as IncomingMessage, undefined)
      socket.on('message', (text: string) => events.message(text))
      socket.on('pong', () => events.pong())
      socket.once('close', (code: number, reason: Buffer) => events.closed(code, reason.toString()))
      return socket
    },
    ...processControls(core, config, sockets),
  }
}
