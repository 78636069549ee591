/**
 * The reliable raw socket: wires the link (reconnect.ts) to the outbox and
 * the lifecycle emitter. `createSocket` is this alone; `createClient` plugs
 * a {@link Layer} into the same core, so nothing here is wired twice.
 * @module
 */
import type { Emitter } from '../events'
import { createLifecycle } from './lifecycle'
import { ConnectionClosedError, closedError } from '../errors'
import { resolveOptions, socketUrl, type Resolved, type SocketOptions, type UrlInput } from './options'
import { validate, socketRules } from './validate'
import { checkRanges, socketRanges } from './ranges'
import { createLink, type ClientCloseEvent, type Link } from './reconnect'
import { refused } from './close-codes'
import { createOutbox, type AttachOptions, type DropReason, type Outbox, type OutboxItem } from './outbox'
import type { LifecycleEvents, SendResult, Socket } from './types'

// Bundlers replace `process.env.NODE_ENV`; declared here (not from @types/node) so the browser build needs no Node types.
declare const process: { env: { NODE_ENV?: string } }

/**
 * What a layer above the socket (the client) plugs into it. Every member is optional: without them
 * the socket applies its plain rules. @internal
 */
export interface Layer {
  /**
   * A socket opened. Write what must go first (a handshake, a resubscribe batch) and say how the
   * outbox attaches; `undefined` is the plain rule: hold what is written until the server's first frame.
   */
  open?(): AttachOptions | undefined
  /** An outbox item was just written to the socket (a session numbers it). */
  written?(item: OutboxItem): void
  /** Any frame was just written to the socket, queued or not (pacing counts them). */
  sent?(frame: OutboxItem['frame']): void
  /** Every inbound frame, after the `message` event. */
  message?(data: unknown): void
  /** Whether the outbox may write `next` now (flow control); refusing holds it, and all behind it, in the queue. */
  admit?(next: OutboxItem): boolean
  /** Whether frames held for the socket that ended go back to the queue; `undefined`: only on 4401/4403. */
  requeue?(info: ClientCloseEvent): boolean | undefined
  /** A socket ended; the outbox has already detached. */
  close?(info: ClientCloseEvent): void
  /** Final close: settle everything pending. */
  closed?(): void
  /** Send one heartbeat probe; without it the socket sends the raw `heartbeat.ping` frame. */
  ping?(): void
  /** The outbox dropped these items. */
  drop?(items: OutboxItem[], reason: DropReason): void
}

/** The socket's insides, as a layer sees them. @internal */
export interface Core {
  readonly socket: Socket
  readonly link: Link
  readonly outbox: Outbox | undefined
  readonly options: Resolved
  /** Writes a frame to the open socket now, bypassing the queue (control frames). False when not open. */
  write(frame: OutboxItem['frame']): boolean
  /** Queues or writes one item; `volatile`: write now or drop. Throws as `send` documents. */
  push(item: OutboxItem, volatile?: boolean): SendResult
  emit: Emitter<LifecycleEvents>['emit']
  report(err: unknown): void
}

/**
 * Builds the socket core; `layer` is created once the core exists, before it connects.
 * @internal
 */
export function createCore(url: UrlInput, options: Resolved, makeLayer?: (core: Core) => Layer): Core {
  const { queue, heartbeat, env } = options
  const lifecycle = createLifecycle()
  const report = (err: unknown) => lifecycle.emit('error', err)
  let layer: Layer = {}
  // True while this socket's writes wait for the server's first frame (the plain rule).
  let waitingForFirstFrame = false

  const openSocket = () => link.socket
  const outbox = queue
    ? createOutbox(queue, env.clock, {
      drop(items, reason) {
        layer.drop?.(items, reason)
        lifecycle.emit('drop', { items: items.map((item) => item.frame), reason })
      },
      error: report,
    })
    : undefined
  const highWaterMark = queue ? queue.highWaterMark : Infinity
  const writer = {
    ready(next?: OutboxItem) {
      const socket = openSocket()
      // Negated, so a socket without a number here (some fakes and polyfills) counts as drained.
      if (!socket || socket.bufferedAmount > highWaterMark) return false
      return !next || !layer.admit || layer.admit(next)
    },
    write(item: OutboxItem) {
      write(item.frame)
      layer.written?.(item)
    },
  }
  const write = (frame: OutboxItem['frame']) => {
    const socket = openSocket()
    if (!socket) return false
    socket.send(frame as string)
    layer.sent?.(frame)
    return true
  }

  const push = (item: OutboxItem, volatile = false): SendResult => {
    if (link.state === 'closed') throw closedError()
    // Through the outbox even when volatile, so that a session numbers every frame written.
    if (outbox) return outbox.push(item, volatile)
    if (writer.ready()) {
      writer.write(item)
      return 'sent'
    }
    if (volatile) return 'dropped'
    throw new ConnectionClosedError(`lifeline: cannot send while ${link.state} with queue: false`)
  }

  const link = createLink(url, options, {
    state(next, prev) {
      if (next === 'closed') {
        outbox?.close()
        layer.closed?.()
      }
      lifecycle.emit('state', next, prev)
    },
    open() {
      const mode = layer.open?.()
      // Held until the server speaks only when a ping can make it speak: with a server that
      // never does, stored copies would never leave, and a reload would send them again.
      waitingForFirstFrame = !mode && !!heartbeat
      outbox?.attach(writer, mode ?? { hold: waitingForFirstFrame })
      lifecycle.emit('open')
      // Frames went out before the server said a word: ask for one now, so that they count
      // as accepted within a round trip (a refusal would put them back in the outbox).
      if (waitingForFirstFrame && outbox?.held) link.probe()
    },
    message(data) {
      if (waitingForFirstFrame) {
        waitingForFirstFrame = false
        outbox?.ackedByPeer()
      }
      if (!layer.ping && heartbeat && heartbeat.pong !== undefined && data === heartbeat.pong) return
      lifecycle.emit('message', data)
      layer.message?.(data)
    },
    close(info) {
      outbox?.detach(layer.requeue?.(info) ?? refused(info))
      layer.close?.(info)
      lifecycle.emit('close', info)
    },
    // Before the socket goes, so that queue.onClose 'flush' can still write to it.
    closing: () => outbox?.close(),
    reconnecting: (info) => lifecycle.emit('reconnecting', info),
    error: report,
    ping() {
      if (layer.ping) layer.ping()
      else if (heartbeat && heartbeat.ping !== undefined) write(heartbeat.ping)
    },
  })

  const socket: Socket = {
    get state() {
      return link.state
    },
    get subprotocol() {
      return link.socket?.protocol ?? ''
    },
    get queued() {
      return outbox ? outbox.size : 0
    },
    on: (event, listener) => lifecycle.on(event, listener),
    // Settled by the next open or final close, through the state event every listener sees.
    ready: () =>
      new Promise<void>((resolve, reject) => {
        const settle = (state: string) => {
          if (state === 'open') resolve()
          else if (state === 'closed') reject(closedError())
          else return
          stop()
        }
        const stop = lifecycle.on('state', settle)
        settle(link.state)
      }),
    connect: () => link.start(),
    reconnect: () => link.restart('reconnect() called'),
    close: (code, reason) => link.stop(code, reason),
    send: (data, sendOptions) => push({ frame: data, persist: true }, sendOptions?.queue === false),
  }

  const core: Core = { socket, link, outbox, options, write, push, emit: lifecycle.emit, report }
  if (makeLayer) layer = makeLayer(core)
  return core
}

/**
 * Creates the reliable raw socket and, unless `lazy`, starts connecting: reconnect with jittered
 * backoff, connect timeout, the close-code policy, URL and protocols providers, network and
 * visibility awareness, a heartbeat with raw ping/pong frames, and the outbox with its bounds,
 * ttl, backpressure and storage. No protocol: frames go out and come in as they are.
 * @param url - `ws:`/`wss:` URL (or `http:`/`https:`), or a provider called before every attempt.
 * @param options - see {@link SocketOptions}; every member has a default.
 * @example
 * import { createSocket } from 'lifeline-ws/socket'
 * const socket = createSocket('wss://feed.example.com/ws', { heartbeat: { ping: 'ping', pong: 'pong' } })
 * socket.on('message', (data) => console.log(data))
 * socket.send('hello') // queued until open
 */
export function createSocket(url: UrlInput, options: SocketOptions = {}): Socket {
  if (typeof process !== 'undefined' && process.env.NODE_ENV !== 'production') validate('', options, socketRules())
  // In every build: a negative or NaN delay is a reconnect storm, not a matter of style.
  checkRanges(options, socketRanges)
  if (typeof url !== 'function') socketUrl(url)
  const core = createCore(url, resolveOptions(options))
  if (!options.lazy) core.link.start()
  return core.socket
}
