/**
 * One socket: what the upgrade said about it (request, auth), its topic
 * subscriptions (topics resume by their own cursors, so they belong to the
 * socket, not the session), liveness for the heartbeat, and raw writes with
 * a cap on what may pile up for a slow reader. Which client it serves
 * (`peer`) is decided by its first frame: its own, or a resumed session's.
 * @module
 */
import type { IncomingMessage } from 'node:http'
import type { RawData, WebSocket } from 'ws'
import { closeReason } from '../transport/close-reason'
import type { Beating } from './heartbeat'
import type { Peer } from './client'
import type { Subscriber } from '../topics/topics'
import type { ServerStats } from '../types'

/** @internal */
export interface Link<Auth = unknown> extends Subscriber, Beating {
  readonly request: IncomingMessage
  readonly auth: Auth
  /** The client this socket serves; undefined once a resume took the socket's place. */
  peer: Peer<Auth> | undefined
  /** True until the socket's first frame was read: only then may it open a session. */
  fresh: boolean
  /** Frames that arrived while a handshake was being decided, in order; undefined otherwise. */
  held: { data: RawData; isBinary: boolean }[] | undefined
  /** True while the socket can be written to. */
  readonly open: boolean
  /** Close with a code and reason (cut to what a close frame holds). */
  close(code: number, reason: string): void
}

/** @internal */
export function createLink<Auth>(
  socket: WebSocket,
  request: IncomingMessage,
  auth: Auth,
  options: { maxBufferedAmount: number; stats: ServerStats },
): Link<Auth> {
  return {
    socket,
    request,
    auth,
    peer: undefined,
    fresh: true,
    held: undefined,
    alive: true,
    topics: new Set(),
    get open() {
      return socket.readyState === socket.OPEN
    },
    send(frame) {
      if (socket.readyState !== socket.OPEN) return
      // A client that stopped reading would make the server buffer without bound; cut it off.
      if (socket.bufferedAmount > options.maxBufferedAmount) {
        options.stats.dropped++
        socket.terminate()
        return
      }
      socket.send(frame)
    },
    close(code, reason) {
      socket.close(code, closeReason(reason))
    },
  }
}
