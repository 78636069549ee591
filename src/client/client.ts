/**
 * `createClient`: the socket core (socket/socket.ts) with the RPC layer
 * plugged in: calls, topics, server events and server requests. It owns no
 * socket, timer or wire code of its own; see docs/architecture.md.
 * @module
 */
import { createEmitter } from '../events'
import { ConnectionClosedError, ProtocolError, QueueFullError, TimeoutError, outcomeUnknown, isRpcError, isTimeoutError, toRpcError } from '../errors'
import { resolveOptions, socketUrl, type UrlInput } from '../socket/options'
import { validate } from '../socket/validate'
import { between } from '../socket/ranges'
import { createCore, type Core, type Layer } from '../socket/socket'
import type { OutboxItem } from '../socket/outbox'
import type { Message, Protocol, SubscribeParams, WireFrame } from '../protocol/protocol'
import { clientRules, resolveClientOptions, withDialect, type ClientOptions } from './options'
import { createCalls } from './calls'
import { createSubscriptions, type Outcome } from './subscriptions'
import { createHandlers } from './handlers'
import { createStream, type Stream } from './stream'
import { createSession } from './session'
import type { Contract } from './contract'
import type { CallOptions, Client } from './api'
import type { Socket } from '../socket/types'

// Bundlers replace `process.env.NODE_ENV`; declared here (not from @types/node) so the browser build needs no Node types.
declare const process: { env: { NODE_ENV?: string } }

/** A call's own `timeout`, ms: 0 and up, Infinity for none. */
const anyTimeout = between(0, Infinity)

/** What the RPC layer adds to the socket. @internal */
interface Rpc extends Layer {
  request(method: string, params: unknown, options: CallOptions): Promise<unknown>
  notify(method: string, params: unknown): ReturnType<Core['push']>
  listen(event: string, handler?: (payload: unknown) => void): (() => void) | Stream<unknown>
  subscribe: ReturnType<typeof createSubscriptions>['subscribe']
  handle(method: string, fn: (params: unknown) => unknown): () => void
}

/** The RPC layer over one socket core: every protocol-aware part of the client, wired once. */
function createRpc(core: Core, protocol: Protocol, callTimeout: number, resume?: () => string | undefined): Rpc {
  const { link, outbox, options } = core
  const events = createEmitter<{ [name: string]: (payload: unknown) => void }>(core.report)
  const streams = new Set<Stream<unknown>>()
  const calls = createCalls(options.env.clock, {
    gone: (id) => outbox?.remove(id),
    // Never written: a call put back after a drop carries its position, and is in doubt (positions.ts).
    queued: (id) => outbox?.get(id)?.position === undefined && !!outbox?.has(id),
    methodNotFound: protocol.codes.methodNotFound,
    state: () => link.state,
  })

  const session = createSession(core, protocol, calls, options.connectTimeout, resume)

  /** Control frames go to the open socket at once, never through the queue. */
  const writeNow = (item: OutboxItem) => {
    if (!core.write(item.frame)) throw new ConnectionClosedError('lifeline: not open')
  }

  /**
   * Registers a call and queues its frame, or with `control` writes it at once (a ping); every failure
   * becomes a rejection.
   */
  const request = (method: string, params: unknown, callOptions: CallOptions, control = false): Promise<unknown> => {
    try {
      if (link.state === 'closed') throw core.closedError()
      callOptions.signal?.throwIfAborted()
      const { timeout = callTimeout, signal, resend = false } = callOptions
      // In every build: a NaN timeout never fires, and the call would never settle.
      const wrongTimeout = anyTimeout(timeout)
      if (wrongTimeout) throw new RangeError(`lifeline: the timeout of call '${method}' must be ${wrongTimeout}`)
      const id = calls.id()
      const frame = protocol.encode({ type: 'request', id, method, params })
      const promise = calls.add(id, { method, timeout, signal, resend, frame, control })
      const put = control ? writeNow : core.push
      if (control) session?.control(id)
      try {
        put({ frame, call: id })
      } catch (err) {
        calls.reject(id, err)
      }
      return promise
    } catch (err) {
      return Promise.reject(err)
    }
  }

  /**
   * A subscribe request, written at once (it is a control frame: it never waits behind queued ones);
   * its answer settles synchronously, in frame order with the topic's messages.
   */
  const subscribeRequest = (params: SubscribeParams, settle: (outcome: Outcome) => void): Extract<Message, { type: 'request' }> => {
    const id = calls.id()
    calls.track(id, { method: protocol.subscribe, timeout: callTimeout, resend: false, frame: '', control: true }, (ok, value) => {
      settle(ok ? { result: value } : { error: value })
    })
    session?.control(id)
    return { type: 'request', id, method: protocol.subscribe, params }
  }

  const subscriptions = createSubscriptions({
    // Only called while open.
    request(topic, params, settle) {
      const message = subscribeRequest(params, settle)
      try {
        writeNow({ frame: protocol.encode(message) })
      } catch (err) {
        calls.reject(message.id, err)
      }
    },
    // The server forgets a closed socket's topics by itself, so only an open one is told.
    unsubscribe: (topic) => {
      core.write(protocol.encode({ type: 'notification', method: protocol.unsubscribe, params: { topic } }))
    },
    error: core.report,
    transient: (err) => isTimeoutError(err) || (isRpcError(err) && err.code === protocol.codes.overloaded),
  })
  // Without a session a reply only means something on the socket its request came in on, so it is
  // never queued; on a session it is a tracked frame like any other, delivered after a drop too.
  const handlers = createHandlers((message) => {
    const frame = protocol.encode(message)
    if (session?.active) core.push({ frame })
    else core.write(frame)
  }, core.report, protocol.codes)

  /** On every open: one batched frame re-subscribes every topic, before the outbox flushes. */
  const resubscribe = () => {
    const batch = subscriptions.resubscribe().map((params) =>
      subscribeRequest(params, (outcome) => subscriptions.settled(params.topic, outcome)))
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
  const plainServer = (why: string, frame: WireFrame, failed: (id: number | string) => boolean) => {
    const error = new ProtocolError(`lifeline: this looks like a plain WebSocket server (${why}): use createSocket from lifeline-ws/socket`, frame)
    for (const id of calls.ids()) {
      if (failed(id) || calls.method(id) === protocol.session) calls.reject(id, error)
    }
    if (!toldPlain) core.report(error)
    toldPlain = true
  }

  const dispatch = (data: unknown) => {
    // Text, or bytes for a binary dialect (an ArrayBuffer with the binaryType it sets); a Blob cannot be decoded.
    const frame = data instanceof ArrayBuffer ? new Uint8Array(data) : data
    if (typeof frame !== 'string' && !(frame instanceof Uint8Array)) {
      session?.inbound(undefined)
      return
    }
    let messages: Message[]
    try {
      messages = protocol.decode(frame)
    } catch (err) {
      session?.inbound(undefined)
      const shown = typeof frame === 'string' ? frame.slice(0, 40) : `${frame.byteLength} bytes`
      if (!spoken) return plainServer(`its first frame is not ${protocol.name === 'lifeline.msgpack' ? 'MessagePack' : 'JSON-RPC'}: ${shown}`, frame, () => false)
      return core.report(err)
    }
    spoken = true
    session?.inbound(messages)
    for (const message of messages) {
      if (message.type === 'request') {
        // Our own request, sent back: an echo server. Answering it would answer ourselves ("Method not found").
        if (calls.method(message.id) === message.method) plainServer(`it sent back our request '${message.method}'`, frame, (id) => id === message.id)
        else handlers.request(message)
      } else if (message.type === 'notification') {
        if (message.method === protocol.publish) subscriptions.deliver(message.params)
        else if (message.method === protocol.ack && session) session.acknowledged(message.params)
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

  return {
    open() {
      // The handshake goes first on every socket; the resubscribe batch (control) may follow it at once.
      if (session) return session.open(resubscribe)
      resubscribe()
      return undefined
    },
    message: dispatch,
    admit: (next) => !session || session.admit(next),
    written(item) {
      if (item.call !== undefined) calls.wrote(item.call)
      session?.written(item)
    },
    requeue: () => (session?.active ? true : undefined),
    close(info) {
      subscriptions.dropped()
      session?.dropped()
      // A final close fails every call with ClientClosedError in `closed` instead.
      if (!info.willReconnect) return
      // With a session, application calls stay pending: their answers come after the resume. Control
      // requests (ping, subscribe, the handshake) are answered on their own socket or never.
      const only = session?.active ? (_id: unknown, control: boolean) => control : undefined
      for (const item of calls.dropped(only)) {
        try {
          core.push(item)
        } catch (err) {
          calls.reject(item.call!, err)
        }
      }
    },
    closed() {
      session?.closed()
      // Topics first: their pending requests then settle as stale instead of reporting errors.
      subscriptions.close()
      calls.fail(core.closedError())
      for (const stream of streams) stream.end()
    },
    ping() {
      // Any reply proves life, an error included; the heartbeat, not this promise, judges.
      const { heartbeat } = options
      if (heartbeat) request(protocol.ping, undefined, { timeout: heartbeat.timeout }, true).catch(() => {})
    },
    drop(items, reason) {
      for (const { call } of items) {
        if (call === undefined) continue
        if (reason === 'closed') calls.reject(call, core.closedError())
        else if (reason === 'expired') calls.reject(call, new TimeoutError('lifeline: call expired in the outbox (queue.ttl) and was never sent'))
        else if (reason === 'unknown') calls.reject(call, outcomeUnknown())
        else calls.reject(call, new QueueFullError('lifeline: call dropped from a full outbox and never sent'))
      }
    },
    request,
    notify: (method, params) => core.push({ frame: protocol.encode({ type: 'notification', method, params }), persist: true }),
    listen(event, handler) {
      if (handler) return events.on(event, handler)
      const stream = createStream<unknown>(() => {
        stopListening()
        streams.delete(stream)
      })
      const stopListening = events.on(event, stream.push)
      streams.add(stream)
      return stream
    },
    subscribe: subscriptions.subscribe,
    handle: handlers.handle,
  }
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
  let rpc: Rpc | undefined
  const core = createCore(url, resolveOptions(withDialect(options, protocol), !!protocol), (created) => {
    if (protocol) rpc = createRpc(created, protocol, callTimeout, resume)
    return rpc ?? {}
  })
  const { socket, link } = core
  /** The RPC layer, or the TypeError of raw mode; after `close()`, ClientClosedError. */
  const open = (): Rpc => {
    if (!rpc) throw new TypeError('lifeline: raw mode (protocol: false) has no RPC; use createSocket from lifeline-ws/socket')
    if (link.state === 'closed') throw core.closedError()
    return rpc
  }

  // The client is the socket itself with the RPC methods added: state, events, ready, connect,
  // reconnect, close and send are the socket's own, not copies.
  const rpcMethods: Omit<Client<C>, keyof Socket> = {
    role: 'alone',
    notify: (method, ...[params]) => open().notify(method, params),
    call: (method, ...[params, callOptions]) => {
      if (!rpc) return Promise.reject(new TypeError('lifeline: raw mode (protocol: false) has no RPC'))
      return rpc.request(method, params, callOptions ?? {}) as never
    },
    listen: ((event: string, handler?: (payload: unknown) => void) => open().listen(event, handler)) as Client<C>['listen'],
    subscribe: (topic, handler, subscribeOptions) => open().subscribe(topic, handler as never, subscribeOptions) as never,
    handle: (method, fn) => open().handle(method, fn as (params: unknown) => unknown),
  }
  const client: Client<C> = Object.assign(socket, rpcMethods)
  if (!options.lazy) link.start()
  return client
}
