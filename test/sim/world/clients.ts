/**
 * The client side of the world: real `createClient`s on the simulated
 * network and clock, each drawing its actions from its own fork of the
 * seed: calls (some `resend: true`, some without a timeout, some keyed as
 * lifeline-ws/share keys them), notifications, bursts of both (what an
 * offline queue flushes), a server-to-client call handler, topic
 * subscriptions, and listeners for the server's broadcasts and `ctx.notify`.
 * Everything they see goes to the ledger.
 * @module
 */
import type { Random } from '../../chaos/prng'
import { createClient, jsonRpc, type Client, type Subscription } from '../../../src/index'
import { frameKeys, type FrameKeys } from '../../../src/share/keys'
import { CountingTarget } from '../../helpers/fake-socket'
import { keyOf, type FrameKind, type Issued, type Ledger } from '../check/ledger'
import type { Findings } from '../check/findings'
import { clockFor } from '../kernel/clocks'
import type { Scheduler } from '../kernel/scheduler'
import { browserWebSocket, type BrowserSocket } from '../net/browser-socket'
import type { Network } from '../net/network'

/** Client settings drawn from the seed. */
export interface ClientSettings {
  count: number
  heartbeat: { interval: number; timeout: number }
  reconnect: { initialDelay: number; maxDelay: number }
  connectTimeout: number
  callTimeout: number
  /** Mean pause between two actions of one client, ms. */
  pace: number
  /** Frames in one burst, [min, max]. */
  burst: [number, number]
  /** queue.ttl for each client (undefined: none). */
  queueTtl: (number | undefined)[]
  /** Clients whose calls and notifications are keyed (`once`). */
  keyed: boolean[]
  topics: readonly string[]
}

/** One simulated page with its client. */
export class Agent {
  readonly owner: string
  readonly client: Client
  readonly window = new CountingTarget()
  readonly document = Object.assign(new CountingTarget(), { visibilityState: 'visible' })
  /** The newest socket the client made (the one faults aim at). */
  socket: BrowserSocket | undefined
  /** Virtual time of the last frame from a server. */
  lastHeard = 0
  /**
   * `lastHeard` when the current socket opened: the session's handshake answer comes after, and the
   * session cannot have expired (at the server) before this + its ttl.
   */
  heardBeforeOpen = 0
  /** Close codes seen, by code. */
  readonly closes = new Map<number, number>()
  /** Calls not settled yet. */
  pending = 0
  private next = 0
  private readonly keys: FrameKeys | undefined
  private readonly subscriptions = new Map<string, Subscription>()
  private stopped = false

  constructor(
    readonly c: number,
    private readonly random: Random,
    private readonly scheduler: Scheduler,
    network: Network,
    private readonly ledger: Ledger,
    private readonly findings: Findings,
    private readonly settings: ClientSettings,
    /** Addresses with a server listening now. */
    private readonly up: () => string[],
    explainLoss: (agent: Agent) => string | undefined,
    /** Puts a line in the trace (what the client saw: sessions, drops, closes). */
    note: (text: string) => void = () => {},
  ) {
    this.owner = `c${c}`
    this.keys = settings.keyed[c] ? frameKeys(jsonRpc()) : undefined
    let home = random.pick(up())
    const WebSocket = browserWebSocket(network, this.owner, {
      created: (socket) => {
        this.socket = socket
      },
    })
    // A load balancer's choice: stay on the home address while it is up, else move to one that is.
    const url = () => {
      const addresses = up()
      if (addresses.length && !addresses.includes(home)) home = this.random.pick(addresses)
      return `ws://${home}/`
    }
    const ttl = settings.queueTtl[c]
    this.client = createClient(url, {
      WebSocket,
      protocol: this.keys?.protocol ?? jsonRpc(),
      heartbeat: settings.heartbeat,
      reconnect: settings.reconnect,
      connectTimeout: settings.connectTimeout,
      callTimeout: settings.callTimeout,
      queue: ttl === undefined ? {} : { ttl },
      environment: {
        clock: clockFor(scheduler, this.owner),
        random: random.fork(),
        window: this.window,
        document: this.document,
        navigator: { onLine: true },
      },
    })
    const client = this.client
    client.on('session', ({ id, resumed }) => {
      note(`${this.owner} session ${id} resumed: ${resumed}`)
      ledger.session(c, id, resumed, () => explainLoss(this))
    })
    client.on('drop', ({ items, reason }) => {
      note(`${this.owner} drop (${reason}) ${items.map((item) => keyOf(item)?.n ?? '?').join(' ')}`)
      ledger.dropped(c, items, reason)
    })
    client.on('error', (err) => {
      // The documented fallback: no answer to the first handshake, so no sessions for this client.
      if (err instanceof Error && err.message.includes('going on without a session')) {
        note(`${this.owner} goes on without a session`)
        ledger.client(c).plain = true
      }
    })
    client.on('open', () => {
      this.heardBeforeOpen = this.lastHeard
    })
    client.on('message', () => {
      this.lastHeard = scheduler.now
    })
    client.on('close', ({ code, willReconnect }) => {
      note(`${this.owner} close ${code}${willReconnect ? '' : ' (final)'}`)
      this.closes.set(code, (this.closes.get(code) ?? 0) + 1)
    })
    client.listen('tick', (payload) => {
      const { n, from } = payload as { n: number; from: string }
      ledger.tick(c, n, from)
    })
    client.listen('poked', (payload) => ledger.poked(c, (payload as { n: number }).n))
    client.handle('client.echo', (params) => {
      ledger.handled(c, (params as { key: string }).key)
      return params
    })
  }

  /** Begin acting: one action now and then, until stop(). */
  start() {
    this.schedule()
  }

  stop() {
    this.stopped = true
  }

  private schedule() {
    if (this.stopped) return
    this.scheduler.at(this.random.int(1, 2 * this.settings.pace), this.owner, 'act', () => {
      this.act()
      this.schedule()
    })
  }

  private act() {
    const roll = this.random()
    if (roll < 0.04) this.burst()
    else if (roll < 0.3) this.call('work', { ms: this.random.int(0, 400) })
    else if (roll < 0.4) this.call('poke', {})
    else if (roll < 0.47) this.call('ask', {})
    else if (roll < 0.93) this.note()
    else this.toggleTopic()
  }

  /** What an offline queue flushes on reconnect: many frames in one go. */
  private burst() {
    const size = this.random.int(...this.settings.burst)
    for (let index = 0; index < size; index++) {
      if (this.random.chance(0.5)) this.note()
      else this.call('work', { ms: this.random.int(0, 50) })
    }
  }

  private frame(kind: FrameKind, resend: boolean, timeout: number): Issued {
    this.next++
    return this.ledger.issue({ c: this.c, n: this.next, kind, resend, keyed: !!this.keys, timeout })
  }

  /** Runs `write` with this frame's key (`once`) when the client is keyed. */
  private keyed<T>(method: string, issued: Issued, write: () => T): T {
    if (!this.keys) return write()
    return this.keys.next(method, [this.owner, issued.n], write)
  }

  private call(method: 'work' | 'poke' | 'ask', extra: Record<string, unknown>) {
    const resend = this.random.chance(0.3)
    const timeout = this.random.chance(0.15) ? Infinity : this.settings.callTimeout
    const issued = this.frame(method, resend, timeout)
    const params = { c: this.c, n: issued.n, ...extra }
    this.pending++
    let promise: Promise<unknown>
    try {
      promise = this.keyed(method, issued, () => this.client.call(method, params, { resend, timeout }))
    } catch (err) {
      promise = Promise.reject(err)
    }
    promise.then(
      (value) => {
        this.pending--
        this.ledger.settled(issued, true, value)
      },
      (err: unknown) => {
        this.pending--
        this.ledger.settled(issued, false, err)
      },
    )
  }

  private note() {
    const issued = this.frame('note', false, 0)
    try {
      this.keyed('note', issued, () => this.client.notify('note', { c: this.c, n: issued.n }))
    } catch (err) {
      this.findings.fail('untyped', `c${this.c}#${issued.n}: notify threw ${String(err)}`)
    }
  }

  private toggleTopic() {
    const topic = this.random.pick(this.settings.topics)
    const existing = this.subscriptions.get(topic)
    const view = this.ledger.client(this.c)
    if (existing) {
      existing.unsubscribe()
      this.subscriptions.delete(topic)
      view.topics.delete(topic)
      return
    }
    const state = { ready: false, last: undefined, gap: false }
    view.topics.set(topic, state)
    const subscription = this.client.subscribe(topic, (_data, meta) => {
      if (meta.seq !== undefined) this.ledger.topicMessage(this.c, topic, meta.seq)
    }, { onGap: () => this.ledger.topicGap(this.c, topic) })
    subscription.ready.then(() => {
      state.ready = true
    }, () => {})
    this.subscriptions.set(topic, subscription)
  }
}
