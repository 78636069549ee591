/**
 * N real lifeline clients (src/index.ts on `ws`) doing calls, notifications, subscriptions and
 * answering server-to-client requests at random moments, each drawing from its own fork of the
 * seeded PRNG, and recording everything the history check needs. The environment is injected
 * (a counting clock, counting event targets, a tracking WebSocket), so that leaks can be counted
 * after close().
 */
import WebSocket from 'ws'
import { createClient, type Client, type WebSocketConstructor } from '../../src/index'
import { CountingTarget } from '../helpers/fake-socket'
import { countingClock, trackedWebSocket } from '../helpers/tracking'
import { createTopicChecker, type TopicChecker } from './checker'
import { createEventChecker, type EventChecker } from './events'
import type { Random } from './prng'

export type CallKind = 'echo' | 'work' | 'ask'

export interface CallRecord {
  client: number
  kind: CallKind
  issuedAt: number
  timeout: number
  settledAt?: number
  /** 'ok', or the error's name (RpcError, TimeoutError, ConnectionClosedError, ...). */
  outcome?: string
  /** For 'ok': the answer was the right one. */
  correct?: boolean
}

export interface NoteSent {
  client: number
  n: number
  issuedAt: number
  /** Came back in a `drop` event, with this reason. */
  dropped?: string
}

export type TopicEvent = { client: number; topic: string; at: number } & ({ seq: number } | { gap: true })

export interface Workload {
  readonly calls: CallRecord[]
  readonly notes: NoteSent[]
  /** The topic rule, checked as messages arrive (checker.ts). */
  readonly topics: TopicChecker
  /** The server-to-client event rule, checked as events arrive (events.ts). */
  readonly events: EventChecker
  /** Close codes seen by the clients, by code. */
  readonly closes: Map<number, number>
  readonly opens: number
  /** Per client: opens, closes (with code) and drops, with their times. */
  readonly lifecycle: Record<number, { at: number; event: string }[]>
  /** Start issuing work. */
  start(): void
  /** Stop issuing new work. */
  stop(): void
  /** Close every client (final), as an app would. */
  close(): void
  /** What is left behind after close(): pending timers, environment listeners, sockets not CLOSED. */
  leftovers(): { timers: number; listeners: number; sockets: number }
}

export interface WorkloadOptions {
  url: string
  clients: number
  random: Random
  topics: number
  callTimeout: number
  /** Mean pause between two actions of one client, ms. */
  pace: number
  /** Where topic-rule violations go. */
  violations: string[]
}

export const RECONNECT = { initialDelay: 200, maxDelay: 3000, factor: 2 }
export const HEARTBEAT = { interval: 1500, timeout: 1500 }
/**
 * The clients' queue ttl (ms): shorter than a blackhole takes to notice (heartbeat 1.5 s + 1.5 s), so
 * frames written just before one outlive it in the outbox (issue #26, defect 4: such frames, which the
 * server had run, came back in a `drop` event as 'expired').
 */
export const QUEUE_TTL = 2000

export function createWorkload(options: WorkloadOptions): Workload {
  const calls: CallRecord[] = []
  const notes: NoteSent[] = []
  // The same records by `client:n`: a drop event looks its frames up here (a scan of every note per
  // dropped frame kept the long profile's 1,000 closing clients busy for hours).
  const notesByKey = new Map<string, NoteSent>()
  const topics = createTopicChecker(options.violations)
  const events = createEventChecker(options.violations)
  const closes = new Map<number, number>()
  const clock = countingClock()
  const timers = new Set<ReturnType<typeof setTimeout>>()
  const sockets: WebSocket[] = []
  const TrackedWebSocket = trackedWebSocket(sockets) as unknown as WebSocketConstructor
  const windows: CountingTarget[] = []
  const documents: CountingTarget[] = []
  let opens = 0
  let running = false
  const lifecycle: Record<number, { at: number; event: string }[]> = {}

  const clients: { client: Client; random: Random; index: number; sent: number }[] = []
  for (let index = 0; index < options.clients; index++) {
    const random = options.random.fork()
    const window = new CountingTarget()
    const document = Object.assign(new CountingTarget(), { visibilityState: 'visible' })
    windows.push(window)
    documents.push(document)
    const client = createClient(options.url, {
      WebSocket: TrackedWebSocket,
      callTimeout: options.callTimeout,
      connectTimeout: 3000,
      reconnect: RECONNECT,
      heartbeat: HEARTBEAT,
      queue: { ttl: QUEUE_TTL },
      environment: { clock, window, document, navigator: { onLine: true }, random },
    })
    const lifeline: { at: number; event: string }[] = []
    lifecycle[index] = lifeline
    client.on('open', () => {
      opens++
      lifeline.push({ at: Date.now(), event: 'open' })
    })
    client.on('close', (info) => {
      closes.set(info.code, (closes.get(info.code) ?? 0) + 1)
      lifeline.push({ at: Date.now(), event: `close ${info.code} ${info.reason}` })
    })
    client.on('session', (event) => {
      lifeline.push({ at: Date.now(), event: `session ${event.id.slice(0, 8)} ${event.resumed ? 'resumed' : 'new'}` })
      if (!event.resumed) events.newSession(index)
    })
    for (const kind of ['tick', 'own']) client.listen(kind, (params) => events.event(index, kind, params, Date.now()))
    client.on('drop', (event) => {
      for (const item of event.items) {
        const note = parseNote(item)
        const sent = note && notesByKey.get(`${note.client}:${note.n}`)
        if (sent) sent.dropped = event.reason
      }
    })
    client.handle('client.add', (params) => {
      const [a, b] = params as [number, number]
      return a + b
    })
    // Two topics each, overlapping between neighbours, so every topic has several subscribers.
    for (const offset of [0, 1]) {
      const name = `topic-${(index + offset) % options.topics}`
      client.subscribe(name, (_data, meta) => topics.message(index, name, meta.seq ?? -1), {
        onGap: () => topics.gap(index, name),
      })
    }
    clients.push({ client, random, index, sent: 0 })
  }

  const act = (entry: (typeof clients)[number]) => {
    const { client, random, index } = entry
    const roll = random()
    if (roll < 0.4) {
      const n = ++entry.sent
      const record: NoteSent = { client: index, n, issuedAt: Date.now() }
      notes.push(record)
      notesByKey.set(`${index}:${n}`, record)
      client.notify('note', { client: index, n })
      return
    }
    const kind = pickCall(roll)
    const record: CallRecord = { client: index, kind, issuedAt: Date.now(), timeout: options.callTimeout }
    calls.push(record)
    const a = random.int(0, 1000)
    const b = random.int(0, 1000)
    const plan: Record<CallKind, { params: unknown; expected: unknown }> = {
      echo: { params: { client: index, a }, expected: { client: index, a } },
      ask: { params: [a, b], expected: a + b },
      work: { params: { ms: random.int(0, 500) }, expected: undefined },
    }
    const { params, expected } = plan[kind]
    client.call(kind, params).then(
      (result) => {
        record.settledAt = Date.now()
        record.outcome = 'ok'
        record.correct = expected === undefined ? typeof result == 'object' : JSON.stringify(result) === JSON.stringify(expected)
      },
      (err: unknown) => {
        record.settledAt = Date.now()
        record.outcome = err instanceof Error ? err.name : typeof err
      },
    )
  }
  const loop = (entry: (typeof clients)[number]) => {
    if (!running) return
    const timer = setTimeout(() => {
      timers.delete(timer)
      if (!running) return
      act(entry)
      loop(entry)
    }, entry.random.int(0, options.pace * 2))
    timers.add(timer)
  }

  return {
    calls,
    notes,
    topics,
    events,
    closes,
    get opens() {
      return opens
    },
    lifecycle,
    start() {
      running = true
      for (const entry of clients) loop(entry)
    },
    stop() {
      running = false
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
    },
    close() {
      for (const { client } of clients) client.close()
    },
    leftovers() {
      const listeners = [...windows, ...documents].reduce((sum, target) => sum + target.listeners, 0)
      return { timers: clock.pending.size, listeners, sockets: sockets.filter((socket) => socket.readyState !== WebSocket.CLOSED).length }
    },
  }
}

/** Past the 40% of notifications: 30% echo, 15% ask (a server-to-client request inside), 15% work. */
function pickCall(roll: number): CallKind {
  if (roll < 0.7) return 'echo'
  if (roll < 0.85) return 'ask'
  return 'work'
}

/** The { client, n } of a `note` notification frame, or undefined. */
function parseNote(frame: unknown): { client: number; n: number } | undefined {
  if (typeof frame != 'string') return undefined
  try {
    const parsed = JSON.parse(frame) as unknown
    const messages = Array.isArray(parsed) ? parsed : [parsed]
    for (const message of messages as { method?: unknown; params?: { client?: unknown; n?: unknown } }[]) {
      if (message.method === 'note' && typeof message.params?.client == 'number' && typeof message.params.n == 'number') {
        return { client: message.params.client, n: message.params.n }
      }
    }
  } catch {
    return undefined
  }
  return undefined
}
