/**
 * `createClient`: wires the link, the outbox and the RPC parts together. It
 * owns no socket, timer or wire code of its own; see docs/architecture.md.
 * @module
 */
import { createEmitter } from './events'
import { ClientClosedError, ConnectionClosedError, ProtocolError, QueueFullError, TimeoutError, isConnectionClosedError, toRpcError } from './errors'
import { resolveOptions, socketUrl, type ClientOptions, type UrlInput } from './options'
import { createLink } from './connection/reconnect'
import { refused } from './connection/close-codes'
import { createOutbox, type OutboxItem, type Writer } from './outbox/outbox'
import { createCalls } from './rpc/calls'
import { createSubscriptions } from './rpc/subscriptions'
import { createHandlers } from './rpc/handlers'
import { createStream, type Stream } from './rpc/stream'
import { jsonRpc } from './protocol/json-rpc'
import type { Message } from './protocol/protocol'
import type { Contract } from './contract'
import type { CallOptions, Client, LifecycleEvents, SendResult } from './api'

/**
 * Creates a client and, unless `lazy`, starts connecting.
 * @param url - `ws:`/`wss:` URL (or `http:`/`https:`), or a provider called before every attempt.
 * @example
 * const client = createClient<ChatApi>('wss://chat.example.com/ws')
 * client.listen('message', (m) => render(m))
 * await client.call('room.join', { room: 'lobby' })
 */
export function createClient<C extends Contract = Contract>(url: UrlInput, options: ClientOptions = {}): Client<C> {
  if (typeof url != 'function') socketUrl(url)
  const o = resolveOptions(options)
  const protocol = options.protocol === false ? undefined : options.protocol ?? jsonRpc()
  const { queue: q, env: { clock } } = o
  // Raw mode without a ping frame has no way to probe, and silence alone is no proof of death.
  const hb = (o.heartbeat = !protocol && o.heartbeat && o.heartbeat.ping == undefined ? false : o.heartbeat)

  // A throwing 'error' listener is rethrown outside, like any uncaught error; reporting it again would loop.
  const lifecycle = createEmitter<LifecycleEvents>((err, event) => event == 'error' ? queueMicrotask(() => { throw err }) : report(err))
  const report = (err: unknown) => lifecycle.emit('error', err)
  const events = createEmitter<{ [name: string]: (payload: unknown) => void }>(report)
  const streams = new Set<Stream<unknown>>()
  let waiters: Array<[() => void, (err: Error) => void]> = []
  const closed = () => new ClientClosedError('lifeline: client closed')
  const needProtocol = () => {
    if (!protocol) throw new TypeError('lifeline: raw mode (protocol: false) has no RPC')
    return protocol
  }

  const socket = () => (link.state == 'open' ? link.socket : undefined)
  const calls = createCalls(clock, (id) => outbox?.remove(id))
  const outbox = q ? createOutbox(q, clock, {
    drop(items, reason) {
      for (const { call } of items) {
        if (call != undefined) calls.reject(call, reason == 'closed' ? closed() : new (reason == 'expired' ? TimeoutError : QueueFullError)('lifeline: outbox ' + reason))
      }
      lifecycle.emit('drop', { items: items.map((i) => i.frame), reason })
    },
    error: report,
  }) : undefined
  const writer: Writer = {
    ready: () => {
      const ws = socket()
      return !!ws && !(ws.bufferedAmount > (q ? q.highWaterMark : 1 / 0))
    },
    write: ({ frame, call }) => {
      socket()?.send(frame as string)
      if (call != undefined) calls.sent(call)
    },
  }

  /** Queues or writes one item; without an outbox (or for volatile frames) it must be writable now. */
  const push = (item: OutboxItem, volatile?: boolean): SendResult => {
    if (link.state == 'closed') throw closed()
    if (outbox && !volatile) return outbox.push(item)
    if (!outbox?.size && writer.ready()) return writer.write(item), 'sent'
    if (volatile) return 'dropped'
    throw new ConnectionClosedError('lifeline: not open and queue is false')
  }
  const encode = (m: Message | Message[]) => needProtocol().encode(m)

  /** Registers a call and hands its frame to `put`; every failure becomes a rejection. */
  const request = (method: string, params: unknown, { timeout = o.callTimeout, signal, resend }: CallOptions, put: (item: OutboxItem) => unknown = push): Promise<unknown> => {
    try {
      if (link.state == 'closed') throw closed()
      signal?.throwIfAborted()
      const id = calls.id()
      const frame = encode({ type: 'request', id, method, params })
      const promise = calls.add(id, { timeout, signal, resend: !!resend, frame })
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

  const subs = createSubscriptions({
    // Only called while open; written at once so a subscribe never waits behind queued frames.
    request: (_topic, params) => request(needProtocol().subscribe, params, {}, writer.write),
    // The server forgets a closed socket's topics by itself, so only an open one is told.
    unsubscribe: (topic) => socket() && writer.write({ frame: encode({ type: 'notification', method: needProtocol().unsubscribe, params: { topic } }) }),
    error: report,
  })
  // A reply only means something on the socket its request came in on, so it is never queued.
  const handlers = createHandlers((m) => socket() && writer.write({ frame: encode(m) }), report)

  /** On every open: one batched frame re-subscribes every topic, before the outbox flushes. */
  const resubscribe = () => {
    const ids: number[] = []
    const batch = subs.resubscribe().map((params): Message => {
      const id = calls.id()
      ids.push(id)
      calls.add(id, { timeout: o.callTimeout, resend: false, frame: '' }).then(
        (result) => subs.settled(params.topic, { result }),
        // A drop mid-subscribe is not a refusal: the next open re-sends it.
        (error) => isConnectionClosedError(error) || subs.settled(params.topic, { error }),
      )
      return { type: 'request', id, method: needProtocol().subscribe, params }
    })
    if (batch.length) writer.write({ frame: encode(batch) })
    ids.forEach(calls.sent)
  }

  const dispatch = (frame: unknown) => {
    if (!protocol || typeof frame != 'string') return
    let messages: Message[]
    try {
      messages = protocol.decode(frame)
    } catch (err) {
      return report(err)
    }
    for (const m of messages) {
      if (m.type == 'request') handlers.request(m)
      else if (m.type == 'notification') m.method == protocol.publish ? subs.deliver(m.params) : events.emit(m.method, m.params)
      else if (!calls.settle(m)) {
        report(m.type == 'error' && m.id == null
          ? toRpcError(m.error)
          : new ProtocolError('lifeline: response to unknown id', frame))
      }
    }
  }

  const link = createLink(url, o, {
    state(next, prev) {
      if (next == 'closed') {
        outbox?.close()
        calls.fail(closed())
        subs.close()
        for (const s of streams) s.end()
        for (const [, reject] of waiters) reject(closed())
        waiters = []
      }
      lifecycle.emit('state', next, prev)
    },
    open() {
      resubscribe()
      // Held until the server speaks only when a ping can make it speak: with a server that
      // never does, stored copies would never leave, and a reload would send them again.
      outbox?.attach(writer, !!hb)
      for (const [resolve] of waiters) resolve()
      waiters = []
      lifecycle.emit('open')
      // Frames went out before the server said a word: ask for one now, so that they count
      // as accepted within a round trip (a refusal would put them back in the outbox).
      if (outbox?.held) link.probe()
    },
    message(data) {
      outbox?.confirm()
      if (!hb || data !== hb.pong) {
        lifecycle.emit('message', data)
        dispatch(data)
      }
    },
    close(info) {
      outbox?.detach(refused(info))
      subs.dropped()
      // A final close fails every call with ClientClosedError in the state hook instead.
      if (info.willReconnect) {
        for (const item of calls.dropped()) {
          try {
            push(item)
          } catch (err) {
            calls.reject(item.call!, err)
          }
        }
      }
      lifecycle.emit('close', info)
    },
    // Before the socket goes, so that queue.onClose 'flush' can still write to it.
    closing: () => outbox?.close(),
    reconnecting: (info) => lifecycle.emit('reconnecting', info),
    error: report,
    ping() {
      const ws = socket()
      // Any reply proves life, an error included; the heartbeat, not this promise, judges.
      if (ws && hb) protocol ? request(protocol.ping, undefined, { timeout: hb.timeout }, writer.write).catch(() => {}) : ws.send(hb.ping!)
    },
  })

  const client: Client<C> = {
    get state() {
      return link.state
    },
    get subprotocol() {
      return link.socket?.protocol ?? ''
    },
    get queued() {
      return outbox ? outbox.size : 0
    },
    on: lifecycle.on,
    ready: () => new Promise((resolve, reject) => {
      if (link.state == 'open') resolve()
      else if (link.state == 'closed') reject(closed())
      else waiters.push([resolve, reject])
    }),
    connect: () => link.start(),
    reconnect: () => link.restart('reconnect() called'),
    close: (code, reason) => link.stop(code, reason),
    send: (data, opt) => push({ frame: data, persist: true }, opt?.queue === false),
    notify: (method, ...[params]) => push({ frame: encode({ type: 'notification', method, params }), persist: true }),
    call: (method, ...[params, opt]) => request(method, params, opt ?? {}) as never,
    listen: ((event: string, handler?: (payload: unknown) => void) => {
      if (handler) return events.on(event, handler)
      const stream = createStream<unknown>(() => {
        off()
        streams.delete(stream)
      })
      const off = events.on(event, stream.push)
      streams.add(stream)
      return stream
    }) as Client<C>['listen'],
    subscribe: (topic, handler, opts) => (needProtocol(), subs.subscribe(topic, handler as never, opts) as never),
    handle: (method, fn) => handlers.handle(method, fn as (params: unknown) => unknown),
  }
  if (!o.lazy) link.start()
  return client
}
