/**
 * A Transport in memory (src/server/transport/transport.ts) for tests of the
 * server core without sockets: the test plays the network, connects peers,
 * sends their frames and reads what the server wrote, on a manual clock. A
 * simulator plugs into the same seam the same way (docs/architecture.md,
 * "The server's seams"). What the real network does asynchronously (a close
 * handshake, a terminated socket's close event) happens here in a microtask:
 * `await flush()` lets it.
 */
import type { IncomingMessage } from 'node:http'
import { createCore, type Core } from '../../src/server/core'
import type { ServerOptions } from '../../src/server/options'
import { resolveServerOptions } from '../../src/server/resolve-options'
import type { SocketEvents, Transport, TransportHost, TransportSocket } from '../../src/server/transport/transport'
import { manualClock, type ManualClock } from './manual-clock'

type Json = Record<string, unknown> & { id?: unknown; method?: string; params?: Record<string, unknown>; result?: unknown; error?: { code: number; message: string; data?: unknown } }

/** One connected peer: the test's end of a socket. */
export interface MemoryPeer {
  /** The server's end, as the core drives it. */
  readonly socket: TransportSocket & { bufferedAmount: number }
  /** Every text frame the server wrote, parsed, not yet taken. */
  readonly frames: Json[]
  /** Take every frame written so far. */
  take(): (Json & Json[])[]
  /** Send a JSON value as one text frame. */
  send(value: unknown): void
  /** Send a raw frame: text, or undefined for a binary one. */
  sendRaw(text: string | undefined): void
  /** Answer a ping (the heartbeat). */
  pong(): void
  /** Pings the server sent. */
  readonly pings: number
  /** The peer goes away (a close from its side): the server hears `closed`. */
  leave(code?: number, reason?: string): void
  /** How the server ended the socket: its close code and reason, or 'terminated'; undefined while open. */
  readonly ended: { code: number; reason: string } | 'terminated' | undefined
}

export interface MemoryServer<Auth> {
  readonly core: Core<Auth>
  readonly clock: ManualClock
  /** Connect a peer that passed the door, with `auth` (undefined by default). */
  connect(auth?: Auth): MemoryPeer
  /** Errors the server reported to `onError`. */
  readonly errors: unknown[]
}

const request = { headers: {}, url: '/', socket: { remoteAddress: '127.0.0.1' } } as unknown as IncomingMessage

/** A server core on an in-memory transport and a manual clock (`clock`: one shared with another server, as across a restart). */
export function memoryServer<Auth = unknown>(
  options: Omit<ServerOptions<Auth>, 'port' | 'host' | 'server' | 'noServer'> = {},
  clock: ManualClock = manualClock(1_000_000),
): MemoryServer<Auth> {
  const errors: unknown[] = []
  const open = new Set<() => void>()
  let host: TransportHost<Auth> | undefined
  let onEmpty = () => {}

  const transport: Transport<Auth> = {
    start(next) {
      host = next
      return Promise.resolve()
    },
    stop() {},
    drained: (ms) =>
      new Promise<void>((resolve) => {
        if (!open.size) return resolve()
        const timer = clock.clock.setTimeout(resolve, ms)
        onEmpty = () => {
          clock.clock.clearTimeout(timer)
          resolve()
        }
      }),
    terminate() {
      for (const cut of [...open]) cut()
    },
    close() {},
  }

  const connect = (auth?: Auth): MemoryPeer => {
    let isOpen = true
    let ended: MemoryPeer['ended']
    let pings = 0
    const frames: Json[] = []
    const gone = (code: number, reason: string) => {
      isOpen = false
      open.delete(cut)
      queueMicrotask(() => {
        events.closed(code, reason)
        if (!open.size) onEmpty()
      })
    }
    const cut = () => {
      if (!isOpen) return
      ended = 'terminated'
      gone(1006, '')
    }
    const socket: MemoryPeer['socket'] = {
      bufferedAmount: 0,
      get open() {
        return isOpen
      },
      send: (text) => void frames.push(JSON.parse(String(text)) as Json),
      close(code, reason) {
        if (!isOpen) return
        ended = { code, reason }
        gone(code, reason)
      },
      terminate: cut,
      ping: () => void pings++,
    }
    open.add(cut)
    const events: SocketEvents = host!.accept(socket, request, auth as Auth)
    return {
      socket,
      frames,
      take: () => frames.splice(0) as (Json & Json[])[],
      send: (value) => events.message(JSON.stringify(value)),
      // A binary frame when undefined (its bytes do not matter to a JSON server: a parse error).
      sendRaw: (text) => events.message(text ?? new Uint8Array([0])),
      pong: () => events.pong(),
      get pings() {
        return pings
      },
      leave(code = 1001, reason = '') {
        if (!isOpen) return
        gone(code, reason)
      },
      get ended() {
        return ended
      },
    }
  }

  const resolved = resolveServerOptions<Auth>({ onError: (err) => void errors.push(err), ...options, noServer: true } as ServerOptions<Auth>, clock.clock)
  return { core: createCore(resolved, transport), clock, connect, errors }
}
