/**
 * One tab's client of a shared connection: the same {@link Client} API as a
 * client with its own socket, over tab messages to the leader's hub (which
 * may run in this very tab). It keeps what the tab owns (pending calls, its
 * topics, listeners and handlers, and the frames no leader has taken yet) so
 * that a new leader can be told all of it again. See docs/sharing.md.
 * @module
 */
import { createEmitter } from '../events'
import { ClientClosedError, ProtocolError } from '../errors'
import { createCalls } from '../client/calls'
import { createSubscriptions } from '../client/subscriptions'
import { createHandlers } from '../client/handlers'
import { createStream, type Stream } from '../client/stream'
import type { Client } from '../client/api'
import type { Protocol } from '../protocol/protocol'
import type { Clock } from '../timers'
import type { Role } from '../socket/types'
import { createLifecycle } from '../socket/lifecycle'
import { fromWire, type HubBody, type TabBody, type TabMessage } from './messages'
import { createListening } from './listening'
import { createMirror } from './mirror'
import { createOutgoing, type Frame } from './outgoing'

/** @internal */
export interface TabDeps {
  id: string
  lazy: boolean
  callTimeout: number
  codes: Protocol['codes']
  clock: Clock
  /** Sends to the leader's hub (the channel, or this tab's own hub). */
  send(message: TabMessage): void
  /** The tab closed: leave the election, stop the hub if this tab runs it, close the channel. */
  leave(): void
}

/** @internal */
export interface Tab {
  client: Client
  /** A message from a hub for this tab, or for every tab (already checked). */
  receive(message: TabMessage): void
  /** Reports what no promise can carry (a malformed tab message). */
  report(err: unknown): void
}


/** @internal */
export function createTab({ id, lazy, callTimeout, codes, clock, send, leave }: TabDeps): Tab {
  const lifecycle = createLifecycle()
  const report = (err: unknown) => lifecycle.emit('error', err)
  const events = createEmitter<{ [name: string]: (payload: unknown) => void }>(report)
  const streams = new Set<Stream<unknown>>()
  let role: Role = 'follower'
  let leader: string | undefined
  // The leader before the current one: its last words (a final close) still count.
  let previous: string | undefined
  let subprotocol = ''
  let closed = false
  const listening = createListening((event) => toLeader({ kind: 'listen', event }), (event) => toLeader({ kind: 'unlisten', event }))
  const handled = new Set<string>()
  let frameListeners = 0

  const toLeader = (body: TabBody) => {
    if (leader !== undefined && !closed) send({ v: 1, from: id, to: leader, ...body })
  }
  const closedError = () => new ClientClosedError('lifeline: client closed')
  const mirror = createMirror(lazy, lifecycle, closedError)
  const outgoing = createOutgoing((body) => {
    if (leader === undefined || closed) return false
    toLeader(body)
    return true
  }, () => clock.now())
  /** A frame to keep until taken; a value the channel cannot clone is the caller's error. */
  const frame = (body: Frame) => {
    if (closed) throw closedError()
    try {
      outgoing.send(body)
    } catch (err) {
      throw new ProtocolError('lifeline: this value cannot be sent to the leader tab', undefined, { cause: err })
    }
  }

  const calls = createCalls(clock, {
    gone(callSeq) {
      outgoing.done(callSeq as number)
      toLeader({ kind: 'cancel', seq: callSeq as number })
    },
    queued: (callSeq) => outgoing.waiting(callSeq as number),
    methodNotFound: codes.methodNotFound,
  })
  const subscriptions = createSubscriptions({
    request: (topic, params) => toLeader({ kind: 'sub', topic, params: params.params, after: params.after }),
    unsubscribe: (topic) => toLeader({ kind: 'unsub', topic }),
    error: report,
  })
  const handlers = createHandlers((message) => {
    if (message.type === 'response') toLeader({ kind: 'answer', id: message.id as number, ok: true, value: message.result })
    else if (message.type === 'error') toLeader({ kind: 'answer', id: message.id as number, ok: false, value: { name: 'RpcError', ...message.error } })
  }, report, codes)

  const setRole = (next: Role) => {
    const prev = role
    role = next
    if (next !== prev) lifecycle.emit('role', next, prev)
  }
  /** A (new) leader: tell it everything this tab has, then what no leader has taken yet. */
  const follow = (next: string) => {
    const handover = leader !== undefined
    previous = leader
    leader = next
    setRole(next === id ? 'leader' : 'follower')
    if (handover) {
      subscriptions.dropped()
      // Every pending call goes to the new leader too, taken or not: it is keyed with this tab's id and
      // its number, so the server runs it once and answers it again with the first run's answer.
      outgoing.handover()
    }
    toLeader({ kind: 'hello' })
    if (mirror.started) toLeader({ kind: 'connect' })
    outgoing.resend()
    for (const event of listening.events()) toLeader({ kind: 'listen', event })
    for (const method of handled) toLeader({ kind: 'handle', method })
    if (frameListeners) toLeader({ kind: 'frames', on: true })
    for (const params of subscriptions.resubscribe()) toLeader({ kind: 'sub', topic: params.topic, params: params.params, after: params.after })
  }

  const receive = (message: TabMessage) => {
    if (closed) return
    const body = message as HubBody
    if (body.kind === 'leader') {
      if (message.from !== leader) follow(message.from)
      return
    }
    // Answers to this tab count from any leader (a last one from the leader that just left, too).
    if (body.kind === 'accepted') {
      outgoing.taken(body.seq)
      if (body.error !== undefined) report(fromWire(body.error))
      return
    }
    if (body.kind === 'result') {
      outgoing.done(body.seq)
      if (body.ok) calls.settle({ type: 'response', id: body.seq, result: body.value })
      else calls.reject(body.seq, fromWire(body.value))
      return
    }
    // The socket closed for good just as its leader left: every tab closes, whoever leads now.
    if (body.kind === 'state' && body.state === 'closed' && message.from === previous) return close()
    if (message.from !== leader) return
    switch (body.kind) {
      case 'again':
        return outgoing.resend()
      case 'state':
        subprotocol = body.subprotocol
        return body.state === 'closed' ? close() : mirror.report(body.state)
      case 'life':
        if (body.name === 'error') return report(fromWire(body.payload))
        return lifecycle.emit(body.name, body.payload as never)
      case 'event':
        return events.emit(body.event, body.payload)
      case 'publish':
        return subscriptions.deliver({ topic: body.topic, seq: body.seq, data: body.data })
      case 'topic':
        // After a gap the leader's client decides what passes (its cursor goes back to 0 when the server's
        // numbering restarted) and sends nothing twice: the tab's cursor goes back to 0 (seq 0) so it drops none of it.
        return subscriptions.settled(body.topic, body.ok ? { result: body.gap ? { gap: true, seq: 0 } : {} } : { error: fromWire(body.error) })
      case 'request':
        return handlers.request({ type: 'request', id: body.id, method: body.method, params: body.params })
      case 'frame':
        return lifecycle.emit('message', body.data)
    }
  }

  const close = () => {
    if (closed) return
    try {
      toLeader({ kind: 'bye' })
    } catch {
      // The channel is gone already: the leader learns it from this tab's lock instead.
    }
    closed = true
    const err = closedError()
    subscriptions.close()
    calls.fail(err)
    for (const stream of streams) stream.end()
    leave()
    mirror.close(err)
  }
  const open = () => {
    if (closed) throw closedError()
  }
  const client: Client = {
    get role() {
      return role
    },
    get state() {
      return mirror.state
    },
    get subprotocol() {
      return subprotocol
    },
    get queued() {
      return outgoing.queued
    },
    on(event, listener) {
      const off = lifecycle.on(event, listener)
      if (event !== 'message') return off
      if (!frameListeners++) toLeader({ kind: 'frames', on: true })
      let done = false
      return () => {
        if (done) return
        done = true
        off()
        if (!--frameListeners) toLeader({ kind: 'frames', on: false })
      }
    },
    ready: mirror.ready,
    connect() {
      if (!closed && mirror.start()) toLeader({ kind: 'connect' })
    },
    reconnect: () => toLeader({ kind: 'reconnect' }),
    close,
    send(data, options) {
      if (closed) throw closedError()
      if (options?.queue !== false) {
        frame({ kind: 'send', seq: outgoing.number(), data })
        return 'queued'
      }
      // Volatile: handed to an open connection's leader now, or dropped, and never sent again.
      if (mirror.state !== 'open') return 'dropped'
      outgoing.sendOnce(data)
      return 'sent'
    },
    notify(method, ...[params]) {
      frame({ kind: 'notify', seq: outgoing.number(), method, params })
      return 'queued'
    },
    call(method, ...[params, options = {}]) {
      try {
        if (closed) throw closedError()
        options.signal?.throwIfAborted()
        const body = { kind: 'call' as const, seq: outgoing.number(), method, params, resend: !!options.resend }
        const promise = calls.add(body.seq, { method, timeout: options.timeout ?? callTimeout, signal: options.signal, resend: false, frame: '' })
        outgoing.pending(body)
        try {
          frame(body)
        } catch (err) {
          calls.reject(body.seq, err)
        }
        return promise as never
      } catch (err) {
        return Promise.reject(err)
      }
    },
    listen: ((event: string, handler?: (payload: unknown) => void) => {
      open()
      const stop = listening.add(event)
      if (handler) {
        const off = events.on(event, handler)
        return () => {
          off()
          stop()
        }
      }
      const stream = createStream<unknown>(() => {
        off()
        stop()
        streams.delete(stream)
      })
      const off = events.on(event, stream.push)
      streams.add(stream)
      return stream
    }) as Client['listen'],
    subscribe: (topic, handler, options) => {
      open()
      return subscriptions.subscribe(topic, handler as never, options) as never
    },
    handle(method, fn) {
      open()
      const unhandle = handlers.handle(method, fn as (params: unknown) => unknown)
      handled.add(method)
      toLeader({ kind: 'handle', method })
      return () => {
        if (!handled.delete(method)) return
        unhandle()
        toLeader({ kind: 'unhandle', method })
      }
    },
  }
  return { client, receive, report }
}
