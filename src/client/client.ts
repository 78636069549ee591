/**
 * `createClient`: the socket core (socket/socket.ts) carrying the RPC layer
 * (rpc.ts). This file is the socket's side of that: frames encoded by the
 * protocol, calls and notifications through the outbox, control frames
 * straight to the open socket, inbound frames decoded for the RPC layer, and
 * the session (session.ts) on every open. It owns no socket, timer or wire
 * code of its own; see docs/architecture.md.
 * @module
 */
import { createEmitter } from '../events'
import { ConnectionClosedError, ProtocolError, QueueFullError, TimeoutError, closedError, outcomeUnknown, isRpcError, isTimeoutError, toRpcError } from '../errors'
import { resolveOptions, socketUrl, type UrlInput } from '../socket/options'
import { validate } from '../socket/validate'
import { createCore, type Core, type Layer } from '../socket/socket'
import type { Frame } from '../socket/outbox'
import type { Decoded, Id, Message, Protocol, WireFrame } from '../protocol/protocol'
import { clientRules, resolveClientOptions, type ClientOptions } from './options'
import { createCalls } from './calls'
import type { Settle } from './subscriptions'
import { createSession } from './session'
import { createPacing } from './pacing'
import { createHandlers } from './handlers'
import { createRpc, type Carrier, type RpcMethods, type ServerEvents } from './rpc'
import type { Contract } from './contract'
import type { Client } from './api'

// Bundlers replace `process.env.NODE_ENV`; declared here (not from @types/node) so the browser build needs no Node types.
declare const process: { env: { NODE_ENV?: string } }

/** A request of ours: its id is never null (a server's may be). */
type Request = Extract<Message, { type: 'request' }> & { id: Id }

/**
 * The RPC layer (rpc.ts) carried by one socket core: the {@link Carrier} that writes its frames, and the
 * {@link Layer} through which the core tells it about sockets opening, frames arriving and sockets ending.
 */
function createSocketRpc(core: Core, protocol: Protocol, callTimeout: number, resume?: () => string | undefined): { layer: Layer; methods: RpcMethods } {
  const { link, outbox, options } = core
  const calls = createCalls(options.env.clock, {
    gone: (id) => outbox?.remove(id),
    // Never written: a call put back after a drop carries its position, and is in doubt (positions.ts).
    queued: (id) => outbox?.get(id)?.position === undefined && !!outbox?.has(id),
    methodNotFound: protocol.codes.methodNotFound,
    state: () => link.state,
  })
  const session = createSession(core, protocol, calls, options.connectTimeout, resume)
  // Under the server's announced rate limit: going over it would close the client for good (1008).
  const pacing = createPacing(options.env.clock)

  /**
   * A control request (a ping, a subscribe): not counted by the session, and its answer settles `done`
   * synchronously, in frame order with the messages that follow it. The caller writes it at once.
   */
  const controlRequest = (method: string, params: unknown, timeout: number, done: Settle): Request => {
    const id = calls.id()
    calls.track(id, { method, timeout, resend: false, frame: '', control: true }, done)
    session?.control(id)
    return { type: 'request', id, method, params }
  }
  /** Writes a control request to the open socket now; one that cannot be written fails at once. */
  const writeControl = (request: Request) => {
    try {
      if (!core.write(protocol.encode(request))) throw new ConnectionClosedError('lifeline: not open')
    } catch (err) {
      calls.reject(request.id, err)
    }
  }

  const carrier: Carrier<Frame> = {
    assertOpen() {
      if (link.state === 'closed') throw closedError()
    },
    callFrame: (id, method, params) => protocol.encode({ type: 'request', id, method, params }),
    writeCall(frame, id) {
      core.push({ frame, call: id })
    },
    notify: (method, params) => core.push({ frame: protocol.encode({ type: 'notification', method, params }), persist: true }),
    // Only called while open.
    subscribe(_topic, params, settle) {
      writeControl(controlRequest(protocol.subscribe, params, callTimeout, settle))
    },
    // The server forgets a closed socket's topics by itself, so only an open one is told.
    unsubscribe(topic) {
      core.write(protocol.encode({ type: 'notification', method: protocol.unsubscribe, params: { topic } }))
    },
    transient: (err) => isTimeoutError(err) || (isRpcError(err) && err.code === protocol.codes.overloaded),
    report: core.report,
  }
  // Without a session a reply only means something on the socket its request came in on, so it is
  // never queued; on a session it is a tracked frame like any other, delivered after a drop too.
  const handlers = createHandlers((message) => {
    const frame = protocol.encode(message)
    if (session?.active) core.push({ frame })
    else core.write(frame)
  }, core.report, protocol.codes)
  const events = createEmitter<ServerEvents>(core.report)
  const rpc = createRpc(carrier, { calls, handlers, events }, callTimeout)
  const { subscriptions } = rpc

  /** On every open: one batched frame re-subscribes every topic, before the outbox flushes. */
  const resubscribe = () => {
    const batch = subscriptions.resubscribe().map((params) =>
      controlRequest(protocol.subscribe, params, callTimeout, (ok, value) => subscriptions.settled(params.topic, ok, value)))
    if (batch.length) core.write(protocol.encode(batch))
  }

  // True once a frame decoded: the peer speaks the protocol, so a bad frame later is only a bad frame.
  let spoken = false
  let toldPlain = false
  /**
   * The peer is a plain WebSocket server, not one that speaks the protocol: it sent our own request back,
   * or its first frame did not decode. Said once; the session handshake and `failed` calls end at once
   * (nothing waits connectTimeout for an answer that cannot come), and nothing is answered.
   */
  const plainServer = (why: string, frame: unknown, failed: (id: number | string) => boolean) => {
    const error = new ProtocolError(`lifeline: this looks like a plain WebSocket server (${why}): use createSocket from lifeline-ws/socket`, frame)
    for (const id of calls.ids()) {
      if (failed(id) || calls.method(id) === protocol.session) calls.reject(id, error)
    }
    if (!toldPlain) core.report(error)
    toldPlain = true
  }

  const dispatch = (frame: unknown) => {
    let messages: Decoded[]
    try {
      // Text, or bytes for a binary dialect (ArrayBuffers: the binaryType its socketOptions set). The
      // dialect judges: JSON refuses bytes, msgpack() text.
      messages = protocol.decode(frame as WireFrame)
    } catch (err) {
      session?.inbound(undefined)
      if (!spoken) return plainServer(`its first frame does not decode: ${String(frame).slice(0, 40)}`, frame, () => false)
      return core.report(err)
    }
    spoken = true
    session?.inbound(messages)
    for (const message of messages) {
      // A bad member of a batch: the others are still delivered (JSON-RPC 2.0, section 6).
      if (message.type === 'invalid') core.report(new ProtocolError('lifeline: bad batch member', frame))
      else if (message.type === 'request') {
        // Our own request, sent back: an echo server. Answering it would answer ourselves ("Method not found").
        if (message.id !== null && calls.method(message.id) === message.method) plainServer(`it sent back our request '${message.method}'`, frame, (id) => id === message.id)
        else handlers.request(message)
      } else if (message.type === 'notification') {
        if (message.method === protocol.publish) subscriptions.deliver(message.params)
        else if (message.method === protocol.ack && session) session.ackedByServer(message.params)
        else events.emit(message.method, message.params)
      } else {
        // An answer proves the request arrived: its frame is never written again, not even to a new session.
        if (message.id !== null) outbox?.answered(message.id)
        if (!calls.settle(message)) {
          core.report(message.type === 'error' && message.id === null ? toRpcError(message.error) : new ProtocolError('lifeline: response to unknown id', frame))
        }
      }
    }
  }

  const layer: Layer = {
    open() {
      pacing.opened()
      // The handshake goes first on every socket; the resubscribe batch (control) may follow it at once.
      if (session) return session.open(resubscribe)
      resubscribe()
      return undefined
    },
    message: dispatch,
    admit: (next) => pacing.allows(session?.rateLimit, next.frame) && (!session || session.admit(next)),
    sent: pacing.wrote,
    written(item) {
      if (item.call !== undefined) calls.wrote(item.call)
      session?.written(item)
    },
    requeue: () => (session?.active ? true : undefined),
    close(info) {
      subscriptions.lost()
      session?.lost()
      // A final close fails every call with ClientClosedError in `closed` instead.
      if (!info.willReconnect) return
      // With a session, application calls stay pending: their answers come after the resume. Control
      // requests (ping, subscribe, the handshake) are answered on their own socket or never.
      const only = session?.active ? (_id: unknown, control: boolean) => control : undefined
      for (const item of calls.lost(only)) {
        try {
          core.push(item)
        } catch (err) {
          calls.reject(item.call, err)
        }
      }
    },
    closed() {
      session?.closed()
      rpc.close(closedError())
    },
    ping() {
      // Any reply proves life, an error included; the heartbeat, not this request, judges.
      const { heartbeat } = options
      if (heartbeat) writeControl(controlRequest(protocol.ping, undefined, heartbeat.timeout, () => {}))
    },
    drop(items, reason) {
      for (const { call } of items) {
        if (call === undefined) continue
        if (reason === 'closed') calls.reject(call, closedError())
        else if (reason === 'expired') calls.reject(call, new TimeoutError('lifeline: call expired in the outbox (queue.ttl) and was never sent'))
        else if (reason === 'unknown') calls.reject(call, outcomeUnknown(calls.method(call)))
        else calls.reject(call, new QueueFullError('lifeline: call dropped from a full outbox and never sent'))
      }
    },
  }
  return { layer, methods: rpc.methods }
}

/** A client in raw mode (`protocol: false`) has the RPC methods only to say that it has no RPC. */
const noRpc = (): never => {
  throw new TypeError('lifeline: raw mode (protocol: false) has no RPC; use createSocket from lifeline-ws/socket')
}
const rawMode: RpcMethods = {
  call: () => new Promise(noRpc),
  notify: noRpc,
  listen: noRpc,
  subscribe: noRpc,
  handle: noRpc,
}

/**
 * Creates a client and, unless `lazy`, starts connecting. It is a `createSocket` socket with RPC on top.
 * @param url - `ws:`/`wss:` URL (or `http:`/`https:`), or a provider called before every attempt.
 * @param options - see {@link ClientOptions}; every member has a default.
 * @example
 * const client = createClient<ChatApi>('wss://chat.example.com/ws')
 * client.listen('message', (m) => render(m))
 * await client.call('room.join', { room: 'lobby' })
 */
export function createClient<C extends Contract = Contract>(url: UrlInput, options: ClientOptions = {}): Client<C> {
  // In every build: ignoring it would quietly open one socket per tab.
  if (options.share) throw new TypeError("lifeline: share needs createClient from 'lifeline-ws/share' (or the CDN build)")
  return createSingleClient(url, options)
}

/**
 * The client of {@link createClient}, without its `share` guard; `lifeline-ws/share` makes its leader
 * tab's client with it. `resume`: the session to resume when the outbox holds none (a new leader tab
 * takes over the session of the one before it, even with nothing queued).
 * @internal
 */
export function createSingleClient<C extends Contract = Contract>(url: UrlInput, options: ClientOptions, resume?: () => string | undefined): Client<C> {
  if (typeof process !== 'undefined' && process.env.NODE_ENV !== 'production') validate('', options, clientRules())
  if (typeof url !== 'function') socketUrl(url)
  const { callTimeout, protocol } = resolveClientOptions(options)
  let methods = rawMode
  const core = createCore(url, resolveOptions(protocol?.socketOptions?.(options) ?? options, !!protocol), (created) => {
    if (!protocol) return {}
    const rpc = createSocketRpc(created, protocol, callTimeout, resume)
    methods = rpc.methods
    return rpc.layer
  })
  // The client is the socket itself with the RPC methods added: state, events, ready, connect,
  // reconnect, close and send are the socket's own, not copies.
  const client = Object.assign(core.socket, { role: 'alone' as const }, methods) as Client<C>
  if (!options.lazy) core.link.start()
  return client
}
