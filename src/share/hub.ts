/**
 * The leader's hub: the one real client of a shared connection, serving
 * every tab (its own included) through tab messages. It takes each tab's
 * frames once, sends each call's answer to the tab that asked, keeps each
 * tab's topics (topics.ts) and counts events and handlers across tabs, so
 * that the server sees each once, and mirrors the socket's state and
 * lifecycle to every tab. See docs/sharing.md.
 * @module
 */
import { RpcError } from '../errors'
import type { Client } from '../client/api'
import type { Once } from '../protocol/protocol'
import type { Frame } from '../socket/outbox'
import { fromWire, toWire, type HubBody, type TabMessage } from './messages'
import { createHubTopics, type TabTopics } from './topics'

/**
 * The number of the last frame a leader took from each tab, by tab id, kept where a new leader finds
 * it (stored.ts). @internal
 */
export interface TakenStore {
  load(): Record<string, number>
  save(lastTaken: Record<string, number>): void
}

/** What a hub needs from the tab that runs it. @internal */
export interface HubDeps {
  /** This tab's id. */
  id: string
  /** The real client, created lazy: a tab's `connect` (or not being lazy) starts it. */
  client: Client
  /** Sends to one tab (`to`) or to every tab. */
  post(body: HubBody, to?: string): void
  /** Calls `gone` once the tab has left (closed, crashed or discarded). */
  watch(tab: string, gone: () => void): void
  taken: TakenStore
  /** Keys the tab frame the client encodes within `write` (keys.ts), so the server runs it once. */
  key<T>(method: string, once: Once, write: () => T): T
}

/** @internal */
export interface Hub {
  /** A message a tab sent to the hub (already checked). */
  receive(message: TabMessage): void
  /** Hand over: stop serving and close the socket; stored frames stay for the next leader. */
  stop(): void
}

/** A tab this hub serves. */
interface ServedTab {
  /**
   * The tab's frames (call, notify, send) up to this one are taken. Frames are taken in the tab's order
   * only, so this one number is exact: a frame is never counted as taken because a later one was.
   */
  lastTaken: number
  /** The `prev` this hub asked the tab to send again after it went missing; one request per gap. */
  asked?: number | undefined
  frames: boolean
  calls: Map<number, AbortController>
  /** The tab's topics: a subscription of the real client each (topics.ts). */
  topics: TabTopics
}

/** @internal */
export function createHub({ id, client, post, watch, taken, key }: HubDeps): Hub {
  const served = new Map<string, ServedTab>()
  const events = new Map<string, { off: () => void; tabs: Set<string> }>()
  const methods = new Map<string, { off: () => void; tabs: string[] }>()
  const requests = new Map<number, { tab: string; resolve(value: unknown): void; reject(err: Error): void }>()
  const lastTaken = taken.load()
  // What was taken from tabs that left while no leader watched them (a leader that crashed) goes once they are gone.
  for (const tab of Object.keys(lastTaken)) {
    watch(tab, () => {
      if (served.has(tab)) return
      delete lastTaken[tab]
      taken.save(lastTaken)
    })
  }
  let lastRequest = 0
  let stopped = false

  const tell = (body: HubBody, to?: string) => {
    if (!stopped) post(body, to)
  }
  const topicsOf = createHubTopics(client, tell)
  const lifecycle = ['open', 'close', 'reconnecting', 'session', 'drop', 'error'] as const
  const mirrors = [
    client.on('state', (state) => tell({ kind: 'state', state, subprotocol: client.subprotocol })),
    ...lifecycle.map((name) => client.on(name, (payload?: unknown) => tell({ kind: 'life', name, payload: name === 'error' ? toWire(payload) : payload }))),
    client.on('message', (data) => {
      if ([...served.values()].some((tab) => tab.frames)) tell({ kind: 'frame', data })
    }),
  ]

  /** A tab left: everything it held is let go, and what it was asked to answer fails. */
  const leave = (tab: string) => {
    const leaving = served.get(tab)
    if (!leaving) return
    served.delete(tab)
    leaving.calls.forEach((controller) => controller.abort())
    leaving.topics.leave()
    for (const [event, entry] of events) {
      if (entry.tabs.delete(tab) && !entry.tabs.size) unlisten(event)
    }
    for (const [method, entry] of methods) unhandle(method, entry, tab)
    for (const [requestId, request] of requests) {
      if (request.tab !== tab) continue
      requests.delete(requestId)
      request.reject(new Error('lifeline: the tab that was answering this request left'))
    }
    delete lastTaken[tab]
    taken.save(lastTaken)
  }
  const unlisten = (event: string) => {
    events.get(event)?.off()
    events.delete(event)
  }
  const unhandle = (method: string, entry: { off: () => void; tabs: string[] }, tab: string) => {
    entry.tabs = entry.tabs.filter((other) => other !== tab)
    if (entry.tabs.length) return
    entry.off()
    methods.delete(method)
  }

  /** A server request, for the tab that answers it: this tab when it has a handler, else the first that registered one. */
  const ask = (method: string, params: unknown) => {
    const tabs = methods.get(method)!.tabs
    const tab = tabs.includes(id) ? id : tabs[0]!
    const requestId = ++lastRequest
    return new Promise((resolve, reject) => {
      requests.set(requestId, { tab, resolve, reject })
      tell({ kind: 'request', id: requestId, method, params }, tab)
    })
  }

  /**
   * A call, notify or send of a tab: taken once (by its seq, across leaders), answered to that tab only.
   * Calls and notifications are keyed `[tab, seq]`: one an earlier leader wrote without this hub
   * knowing runs once all the same, in a session the server resumed (docs/sharing.md, "No frame twice").
   */
  const frame = (message: Extract<TabMessage, { kind: 'call' | 'notify' | 'send' }>, tab: ServedTab) => {
    const { from, seq, prev } = message
    if (tab.calls.has(seq) || (seq <= tab.lastTaken && message.kind !== 'call')) {
      // A tab sent it again after a hand-over, but a leader before this one had taken it (or this hub
      // runs that call already). A call an earlier leader took is written again: the server answers
      // its key with the first run's answer (or runs it, if that leader left before writing it).
      tell({ kind: 'accepted', seq }, from)
      return
    }
    if (prev !== undefined && prev > tab.lastTaken) {
      // The frame the tab sent before this one never arrived: a channel message can be lost (Firefox
      // lost one now and then in a burst to a background leader tab). Taking this one would mark the
      // lost one as taken too; instead nothing after the gap is taken, and the tab sends again every
      // frame not taken, in order (frames still in flight behind this one are ignored until then).
      if (tab.asked === undefined || prev < tab.asked) {
        tab.asked = prev
        tell({ kind: 'again' }, from)
      }
      return
    }
    tab.asked = undefined
    let error: unknown
    try {
      if (message.kind === 'call') {
        const controller = new AbortController()
        tab.calls.set(seq, controller)
        key(message.method, [from, seq], () => client.call(message.method, message.params, { timeout: Infinity, signal: controller.signal, resend: !!message.resend })).then(
          (value) => tell({ kind: 'result', seq, ok: true, value }, from),
          (err: unknown) => tell({ kind: 'result', seq, ok: false, value: toWire(err) }, from),
        ).finally(() => tab.calls.delete(seq))
      } else if (message.kind === 'notify') key(message.method, [from, seq], () => client.notify(message.method, message.params))
      else client.send(message.data as Frame, { queue: !message.volatile })
    } catch (err) {
      error = toWire(err)
    }
    // Once taken (stored, when there is storage), never taken again: a next leader reads these.
    tab.lastTaken = Math.max(tab.lastTaken, seq)
    lastTaken[from] = tab.lastTaken
    taken.save(lastTaken)
    tell({ kind: 'accepted', seq, error }, from)
  }

  const receive = (message: TabMessage) => {
    const { from } = message
    if (message.kind === 'who') return tell({ kind: 'leader' })
    if (message.kind === 'hello') {
      if (!served.has(from)) {
        served.set(from, { lastTaken: lastTaken[from] ?? 0, frames: false, calls: new Map(), topics: topicsOf(from) })
        if (from !== id) watch(from, () => leave(from))
      }
      return tell({ kind: 'state', state: client.state, subprotocol: client.subprotocol }, from)
    }
    const tab = served.get(from)
    // A tab always says hello first; anything else from a stranger is not acted on.
    if (!tab) return
    switch (message.kind) {
      case 'bye':
        return leave(from)
      case 'connect':
        return client.connect()
      case 'reconnect':
        return client.reconnect()
      case 'call':
      case 'notify':
      case 'send':
        return frame(message, tab)
      case 'cancel':
        return tab.calls.get(message.seq)?.abort()
      case 'frames':
        tab.frames = message.on
        return
      case 'sub':
        return tab.topics.subscribe(message)
      case 'unsub':
        return tab.topics.unsubscribe(message.topic)
      case 'listen': {
        const { event } = message
        let entry = events.get(event)
        if (!entry) {
          entry = { off: client.listen(event, (payload) => tell({ kind: 'event', event, payload })), tabs: new Set() }
          events.set(event, entry)
        }
        entry.tabs.add(from)
        return
      }
      case 'unlisten': {
        const entry = events.get(message.event)
        if (entry?.tabs.delete(from) && !entry.tabs.size) unlisten(message.event)
        return
      }
      case 'handle': {
        const { method } = message
        let entry = methods.get(method)
        if (!entry) {
          entry = { off: client.handle(method, (params) => ask(method, params)), tabs: [] }
          methods.set(method, entry)
        }
        if (!entry.tabs.includes(from)) entry.tabs.push(from)
        return
      }
      case 'unhandle': {
        const entry = methods.get(message.method)
        if (entry) unhandle(message.method, entry, from)
        return
      }
      case 'answer': {
        const request = requests.get(message.id)
        if (request?.tab !== from) return
        requests.delete(message.id)
        if (message.ok) request.resolve(message.value)
        else request.reject(fromWire(message.value))
        return
      }
    }
  }

  return {
    receive,
    stop() {
      stopped = true
      mirrors.forEach((off) => off())
      for (const request of requests.values()) request.reject(new RpcError(-32603, 'lifeline: the leader tab left while the request was answered'))
      requests.clear()
      client.close()
    },
  }
}
