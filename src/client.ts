/**
 * `createClient`: wires the link, the outbox and the RPC parts together. It
 * owns no socket, timer or wire code of its own; see docs/architecture.md.
 * @module
 */
import { createEmitter } from './events'
import { ClientClosedError, ConnectionClosedError, ProtocolError, QueueFullError, RpcError, TimeoutError, isConnectionClosedError } from './errors'
import { resolveOptions, socketUrl, type ClientOptions, type UrlInput } from './options'
import { createLink, type ClientCloseEvent, type ReconnectingInfo, type State } from './connection/reconnect'
import { createOutbox, type DropReason, type Frame, type OutboxItem } from './outbox/outbox'
import { createCalls } from './rpc/calls'
import { createSubscriptions, type Subscription, type SubscribeOptions } from './rpc/subscriptions'
import { createHandlers } from './rpc/handlers'
import { createStream } from './rpc/stream'
import { jsonRpc } from './protocol/json-rpc'
import type { Message, SubscribeParams } from './protocol/protocol'
import type {
  CallArgs, Contract, EventName, EventOf, HandlerName, HandlerOf, MethodName, NotifyArgs, ResultOf, TopicName, TopicOf,
} from './contract'

/** Options of a single `call`. */
export interface CallOptions {
  /** Milliseconds before the call rejects with a TimeoutError, counted from the call. @default the client's callTimeout (30000) */
  timeout?: number
  /** Cancels the call: it rejects with `signal.reason` and a late answer is ignored. @default undefined */
  signal?: AbortSignal
  /**
   * Safe to send again: if the socket drops before the answer, the call is re-sent after the reconnect
   * instead of rejecting with ConnectionClosedError. Only for idempotent methods. @default false
   */
  resend?: boolean
}

/** Options of a single `send`. */
export interface SendOptions {
  /** `false`: drop the frame instead of queueing it when it cannot be written now (for volatile data). @default true */
  queue?: boolean
}

/** What happened to a sent frame: written to the socket, waiting in the outbox, or dropped. */
export type SendResult = 'sent' | 'queued' | 'dropped'

/** Frames the outbox dropped, and why. */
export interface DropEvent {
  items: Frame[]
  reason: DropReason
}

/** Lifecycle events of `client.on`. Server-pushed events never arrive here; see `listen`. */
export interface LifecycleEvents {
  /** Every state change. */
  state: (state: State, prev: State) => void
  /** A socket opened (after resubscription and the outbox flush). */
  open: () => void
  /** A socket closed; `willReconnect` says whether a retry follows, `why` says why not. */
  close: (event: ClientCloseEvent) => void
  /** A retry is scheduled after `delay` ms. */
  reconnecting: (info: ReconnectingInfo) => void
  /** Something failed that no promise could carry: a bad frame, a throwing handler, a storage failure. */
  error: (error: unknown) => void
  /** The outbox dropped frames. */
  drop: (event: DropEvent) => void
  /** Every inbound frame, as the socket delivered it. */
  message: (data: unknown) => void
}

/** A stream of server events, ended by `return()` (breaking out of `for await`) or by the client closing. */
export type EventStream<T> = AsyncIterableIterator<T>

/**
 * A lifeline client. Create it with {@link createClient}.
 * @typeParam C - the API contract; without one every payload is `unknown`.
 */
export interface Client<C extends Contract = Contract> {
  /** The current state: 'idle' (lazy, not started), 'connecting', 'open', 'reconnecting' or 'closed' (final). */
  readonly state: State
  /** The subprotocol the server chose ('' when none). */
  readonly subprotocol: string
  /** Frames waiting in the outbox. */
  readonly queued: number
  /**
   * Listens to a lifecycle event; returns the unsubscribe function.
   * @example
   * const off = client.on('state', (state, prev) => console.log(prev, '->', state))
   */
  on<K extends keyof LifecycleEvents>(event: K, listener: LifecycleEvents[K]): () => void
  /**
   * Resolves on the next open (at once if open); rejects with ClientClosedError once the client is closed for good.
   * @example
   * await client.ready()
   */
  ready(): Promise<void>
  /** Starts a lazy client; does nothing otherwise. @example client.connect() */
  connect(): void
  /** Drops the socket now and reconnects at once with the backoff reset. @example client.reconnect() */
  reconnect(): void
  /**
   * Closes for good: no more retries, every pending call rejects with ClientClosedError.
   * Queued frames follow `queue.onClose`.
   * @example
   * client.close(1000, 'logout')
   */
  close(code?: number, reason?: string): void
  /**
   * Sends a raw frame now, or queues it while not open.
   * @example
   * client.send(JSON.stringify({ x, y }), { queue: false }) // volatile: dropped rather than queued
   */
  send(data: Frame, options?: SendOptions): SendResult
  /**
   * Sends a one-way protocol message (no answer); queued while not open.
   * @example
   * client.notify('typing', { room: 'lobby' })
   */
  notify<K extends MethodName<C>>(method: K, ...params: NotifyArgs<C, K>): SendResult
  /**
   * Calls a method and resolves with its result. Rejects with RpcError, TimeoutError,
   * ConnectionClosedError, ClientClosedError, QueueFullError or the signal's reason.
   * @example
   * const { members } = await client.call('room.join', { room: 'lobby' }, { timeout: 5000 })
   */
  call<K extends MethodName<C>>(method: K, ...args: CallArgs<C, K, CallOptions>): Promise<ResultOf<C, K>>
  /**
   * Handles a server-pushed event; returns the unlisten function. Without a handler, returns a stream for `for await`.
   * @example
   * const off = client.listen('typing', ({ user }) => showTyping(user))
   * for await (const t of client.listen('typing')) showTyping(t.user)
   */
  listen<K extends EventName<C>>(event: K, handler: (payload: EventOf<C, K>) => void): () => void
  listen<K extends EventName<C>>(event: K): EventStream<EventOf<C, K>>
  /**
   * Subscribes to a server topic; the subscription is re-sent after every reconnect with the last
   * sequence number seen, so missed messages are replayed and duplicates dropped.
   * @example
   * const sub = client.subscribe('prices', (tick) => draw(tick))
   * await sub.ready
   * sub.unsubscribe()
   */
  subscribe<K extends TopicName<C>>(
    topic: K,
    handler?: (data: TopicOf<C, K>, meta: { topic: string; seq?: number }) => void,
    options?: SubscribeOptions,
  ): Subscription<TopicOf<C, K>>
  /**
   * Answers requests the server sends to the client; returns the function that stops handling.
   * @example
   * client.handle('client.version', () => '1.2.0')
   */
  handle<K extends HandlerName<C>>(method: K, fn: HandlerOf<C, K>): () => void
}

const closedError = () => new ClientClosedError('client closed')

/**
 * Creates a client and, unless `lazy`, starts connecting.
 * @param url - `ws:`/`wss:` URL (or `http:`/`https:`), or a provider called before every attempt.
 * @example
 * const client = createClient<ChatApi>('wss://chat.example.com/ws')
 * client.listen('message', (m) => render(m))
 * await client.call('room.join', { room: 'lobby' })
 */
export function createClient<C extends Contract = Contract>(url: UrlInput, options: ClientOptions = {}): Client<C> {
  if (typeof url !== 'function') socketUrl(url)
  const o = resolveOptions(options)
  if (!o.WebSocket) throw new TypeError('lifeline: no WebSocket here; pass options.WebSocket (for example from "ws")')
  const protocol = options.protocol === false ? undefined : options.protocol ?? jsonRpc()
  // Raw mode without a ping frame has no way to probe, and silence alone is no proof of death.
  if (!protocol && o.heartbeat && o.heartbeat.ping === undefined) o.heartbeat = false
  const { clock } = o.env
  const hb = o.heartbeat

  const lifecycle = createEmitter<LifecycleEvents>((err, event) => {
    if (event === 'error') queueMicrotask(() => { throw err })
    else report(err)
  })
  const report = (err: unknown) => lifecycle.emit('error', err)
  const events = createEmitter<{ [name: string]: (payload: unknown) => void }>(report)
  const streams = new Set<{ end(): void }>()
  let waiters: Array<[() => void, (err: Error) => void]> = []

  const socket = () => (link.state === 'open' ? link.socket : undefined)
  const calls = createCalls(clock, (id) => outbox?.remove(id))
  const outbox = o.queue ? createOutbox(o.queue, clock, {
    drop(items, reason) {
      for (const item of items) {
        if (item.call !== undefined) {
          calls.reject(item.call, reason === 'expired' ? new TimeoutError('expired in the outbox')
            : reason === 'closed' ? closedError() : new QueueFullError('dropped from a full outbox'))
        }
      }
      lifecycle.emit('drop', { items: items.map((i) => i.frame), reason })
    },
    error: report,
  }) : undefined
  const hwm = o.queue ? o.queue.highWaterMark : Infinity
  const writer = {
    ready() {
      const ws = socket()
      return !!ws && !(ws.bufferedAmount > hwm)
    },
    write(item: OutboxItem) {
      socket()?.send(item.frame as string)
      if (item.call !== undefined) calls.sent(item.call)
    },
  }

  /** Queues or writes one item; without an outbox it must be writable now. */
  const push = (item: OutboxItem, volatile?: boolean): SendResult => {
    if (link.state === 'closed') throw closedError()
    if (outbox && !volatile) return outbox.push(item)
    if ((outbox ? !outbox.size : true) && socket() && writer.ready()) {
      writer.write(item)
      return 'sent'
    }
    if (volatile) return 'dropped'
    throw new ConnectionClosedError('lifeline: not open and queueing is off (queue: false)')
  }

  const encode = (m: Message | Message[]) => {
    if (!protocol) throw new TypeError('lifeline: this needs a protocol (protocol: false is raw mode)')
    return protocol.encode(m)
  }

  /** Registers a call, hands its frame to `put`, and returns its promise. */
  const request = (method: string, params: unknown, opt: CallOptions, put: (item: OutboxItem) => void): Promise<unknown> => {
    try {
      if (link.state === 'closed') throw closedError()
      const id = calls.id()
      const frame = encode({ type: 'request', id, method, params })
      const promise = calls.add(id, {
        timeout: opt.timeout ?? o.callTimeout, resend: !!opt.resend, frame,
        ...(opt.signal ? { signal: opt.signal } : {}),
      })
      try {
        put({ frame, call: id })
      } catch (err) {
        calls.reject(id, err as Error)
      }
      return promise
    } catch (err) {
      return Promise.reject(err)
    }
  }

  const subs = createSubscriptions({
    request: (_topic, params) => request(protocol?.subscribe ?? '', params, {}, (item) => push(item)),
    unsubscribe(topic) {
      // The server forgets a closed socket's subscriptions by itself, so only an open one is told.
      if (socket()) writer.write({ frame: encode({ type: 'notification', method: protocol?.unsubscribe ?? '', params: { topic } }) })
    },
    error: report,
  })
  // A reply only means something on the socket its request came in on, so it is never queued.
  const handlers = createHandlers((m) => {
    try {
      if (socket()) writer.write({ frame: encode(m) })
    } catch (err) {
      report(err)
    }
  }, report)

  /** On every open: one batched frame re-subscribes every topic, before the outbox flushes. */
  const resubscribe = () => {
    const list = protocol ? subs.resubscribe() : []
    if (!list.length) return
    const batch: Message[] = []
    for (const params of list) {
      const id = calls.id()
      batch.push({ type: 'request', id, method: protocol!.subscribe, params })
      calls.add(id, { timeout: o.callTimeout, resend: false, frame: '' }).then(
        (result) => subs.settled(params.topic, { result }),
        // A drop mid-subscribe is not a refusal: the next open re-sends it.
        (error) => isConnectionClosedError(error) || subs.settled(params.topic, { error }),
      )
    }
    writer.write({ frame: encode(batch) })
    for (const m of batch) calls.sent((m as { id: number }).id)
  }

  const dispatch = (data: unknown) => {
    if (!protocol || typeof data !== 'string') return
    let messages: Message[]
    try {
      messages = protocol.decode(data)
    } catch (err) {
      return report(err instanceof ProtocolError ? err : new ProtocolError('undecodable frame', data, { cause: err }))
    }
    for (const m of messages) {
      if (m.type === 'request') handlers.request(m)
      else if (m.type === 'notification') {
        if (m.method === protocol.publish) subs.deliver(m.params)
        else events.emit(m.method, m.params)
      } else if (!calls.settle(m)) {
        report(m.type === 'error' && m.id === null
          ? new RpcError(m.error.code, m.error.message, m.error.data)
          : new ProtocolError(`response to unknown id ${String(m.id)}`, data))
      }
    }
  }

  const link = createLink(url, o, {
    state(next, prev) {
      if (next === 'closed') {
        outbox?.close()
        calls.fail(closedError())
        subs.close()
        for (const s of streams) s.end()
        for (const [, reject] of waiters) reject(closedError())
        waiters = []
      }
      lifecycle.emit('state', next, prev)
    },
    open() {
      resubscribe()
      outbox?.attach(writer)
      for (const [resolve] of waiters) resolve()
      waiters = []
      lifecycle.emit('open')
    },
    message(data) {
      if (hb && hb.pong !== undefined && data === hb.pong) return
      lifecycle.emit('message', data)
      dispatch(data)
    },
    close(info) {
      outbox?.detach()
      subs.dropped()
      // A final close fails every call with ClientClosedError in the state hook instead.
      if (info.willReconnect) for (const item of calls.dropped()) {
        try {
          push(item)
        } catch (err) {
          calls.reject(item.call!, err as Error)
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
      if (!ws || !hb) return
      if (!protocol) return ws.send(hb.ping!)
      // Any reply proves life, an error included; the heartbeat, not this promise, judges.
      request(protocol.ping, undefined, { timeout: hb.timeout }, (item) => writer.write(item)).catch(() => {})
    },
  })

  const client: Client<C> = {
    get state() { return link.state },
    get subprotocol() { return link.socket?.protocol ?? '' },
    get queued() { return outbox?.size ?? 0 },
    on: (event, listener) => lifecycle.on(event, listener),
    ready: () => link.state === 'open' ? Promise.resolve()
      : link.state === 'closed' ? Promise.reject(closedError())
      : new Promise((resolve, reject) => { waiters.push([resolve, reject]) }),
    connect: () => link.start(),
    reconnect: () => link.restart('reconnect() called'),
    close: (code, reason) => link.stop(code, reason),
    send: (data, opt) => push({ frame: data, persist: true }, opt?.queue === false),
    notify: (method, ...[params]) => push({ frame: encode({ type: 'notification', method, params }), persist: true }),
    call: (method, ...[params, opt]) => request(method, params, (opt ?? {}) as CallOptions, (item) => push(item)) as never,
    listen: ((event: string, handler?: (payload: unknown) => void) => {
      if (handler) return events.on(event, handler)
      const off = events.on(event, (v) => stream.push(v))
      const stream = createStream<unknown>(() => { off(); streams.delete(stream) })
      streams.add(stream)
      return stream
    }) as Client<C>['listen'],
    subscribe: (topic, handler, opts) => subs.subscribe(topic, handler as never, opts) as never,
    handle: (method, fn) => handlers.handle(method, fn as (params: unknown) => unknown),
  }
  if (!o.lazy) link.start()
  return client
}
