/**
 * One tab's client of a shared connection: the RPC layer (client/rpc.ts)
 * carried by tab messages to the leader's hub (which may run in this very
 * tab), instead of by a socket. This file is what is about tabs: following
 * the leader, telling a new one everything this tab holds (its topics,
 * listened events, handlers, and the frames no leader has taken yet), and
 * the socket's state and lifecycle as the leader reports them. See
 * docs/sharing.md.
 * @module
 */
import { ProtocolError, closedError } from '../errors'
import { createCalls } from '../client/calls'
import { createHandlers } from '../client/handlers'
import { createRpc } from '../client/rpc'
import type { Client } from '../client/api'
import type { Protocol, SubscribeParams } from '../protocol/protocol'
import type { Clock } from '../timers'
import type { Role } from '../socket/types'
import { createLifecycle } from '../socket/lifecycle'
import { fromWire, type HubBody, type TabBody, type TabMessage } from './messages'
import { createHandling } from './handling'
import { createListening } from './listening'
import { createMirror } from './mirror'
import { createOutgoing, type TabCall, type TabFrame } from './outgoing'

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

/** A topic for the leader's hub: its params, and the cursor to resume from with the numbering it counts in. */
const subscribeBody = ({ topic, params, after, epoch }: SubscribeParams): TabBody => ({ kind: 'sub', topic, params, after, epoch })

/** @internal */
export function createTab({ id, lazy, callTimeout, codes, clock, send, leave }: TabDeps): Tab {
  const lifecycle = createLifecycle()
  const report = (err: unknown) => lifecycle.emit('error', err)
  let role: Role = 'follower'
  let leader: string | undefined
  // The leader before the current one: its last words (a final close) still count.
  let previous: string | undefined
  let subprotocol = ''
  let closed = false
  let frameListeners = 0

  const toLeader = (body: TabBody) => {
    if (leader !== undefined && !closed) send({ v: 1, from: id, to: leader, ...body })
  }
  const assertOpen = () => {
    if (closed) throw closedError()
  }
  const mirror = createMirror(lazy, lifecycle, closedError)
  // A tab numbers its frames with its call table's ids: a call's frame number is its id.
  const calls = createCalls<TabCall>(clock, {
    gone(seq) {
      outgoing.done(seq as number)
      toLeader({ kind: 'cancel', seq: seq as number })
    },
    // "Never sent" only while no leader was handed the call: one that was may have written it.
    queued: (seq) => outgoing.unsent(seq as number),
    methodNotFound: codes.methodNotFound,
    state: () => mirror.state,
  })
  const outgoing = createOutgoing((body) => {
    if (leader === undefined || closed) return false
    toLeader(body)
    return true
  }, () => clock.now(), calls.id)
  /** A frame to keep until a leader takes it; a value the channel cannot clone is the caller's error. */
  const sendOrThrow = (body: TabFrame) => {
    assertOpen()
    try {
      outgoing.send(body)
    } catch (err) {
      throw new ProtocolError('lifeline: this value cannot be sent to the leader tab', undefined, { cause: err })
    }
  }

  const listening = createListening(report, (event) => toLeader({ kind: 'listen', event }), (event) => toLeader({ kind: 'unlisten', event }))
  // A server request's answer goes back to the leader, which sent the request.
  const handlers = createHandlers((message) => {
    if (message.type === 'response') toLeader({ kind: 'answer', id: message.id as number, ok: true, value: message.result })
    else if (message.type === 'error') toLeader({ kind: 'answer', id: message.id as number, ok: false, value: { name: 'RpcError', ...message.error } })
  }, report, codes)
  const handling = createHandling(handlers, (method, handled) => toLeader({ kind: handled ? 'handle' : 'unhandle', method }))

  // Calls and notifications are tab messages; the leader tab's hub writes them to the socket.
  const rpc = createRpc<TabCall>({
    assertOpen,
    callFrame: (seq, method, params, resend) => ({ kind: 'call', seq, method, params, resend }),
    writeCall(body) {
      sendOrThrow(body)
      // Only once it could be sent: a call the channel refused is rejected, and never sent to a new leader.
      outgoing.pending(body)
    },
    notify(method, params) {
      sendOrThrow({ kind: 'notify', seq: calls.id(), method, params })
      return 'queued'
    },
    // The leader's hub counts topics across tabs and answers with a 'topic' message.
    subscribe: (_topic, params) => toLeader(subscribeBody(params)),
    unsubscribe: (topic) => toLeader({ kind: 'unsub', topic }),
    report,
  }, { calls, handlers: handling, events: listening }, callTimeout)
  const { subscriptions } = rpc

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
      subscriptions.lost()
      // Every pending call goes to the new leader too, taken or not: it is keyed with this tab's id and
      // its number, so the server runs it once and answers it again with the first run's answer.
      outgoing.handover()
    }
    toLeader({ kind: 'hello' })
    if (mirror.started) toLeader({ kind: 'connect' })
    outgoing.resend()
    for (const event of listening.events()) toLeader({ kind: 'listen', event })
    for (const method of handling.methods()) toLeader({ kind: 'handle', method })
    if (frameListeners) toLeader({ kind: 'frames', on: true })
    for (const params of subscriptions.resubscribe()) toLeader(subscribeBody(params))
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
        return listening.emit(body.event, body.payload)
      case 'publish':
        return subscriptions.deliver({ topic: body.topic, seq: body.seq, data: body.data })
      case 'topic':
        // After a gap the leader's client decides what passes (its cursor goes back to 0 when the server's
        // numbering restarted) and sends nothing twice: the tab's cursor goes back to 0 (seq 0) so it drops none of it.
        // The tab keeps the numbering the leader's client counts in, to hand a next leader with its cursor.
        return subscriptions.settled(body.topic, body.ok, body.ok ? { gap: body.gap, seq: body.gap ? 0 : undefined, epoch: body.epoch } : fromWire(body.error))
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
    rpc.close(err)
    leave()
    mirror.close(err)
  }
  const client: Client = {
    ...rpc.methods,
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
      assertOpen()
      if (options?.queue !== false) {
        sendOrThrow({ kind: 'send', seq: calls.id(), data })
        return 'queued'
      }
      // Volatile: handed to an open connection's leader now, or dropped, and never sent again.
      if (mirror.state !== 'open') return 'dropped'
      outgoing.sendOnce(data)
      return 'sent'
    },
  }
  return { client, receive, report }
}
