/**
 * The link: one state machine over one socket at a time. It retries with
 * backoff, applies the close policy, watches the heartbeat, and listens to the
 * network and page visibility. The client wires it to the outbox and RPC.
 * @module
 */
import { createTimer } from '../timers'
import { socketUrl, type CloseInfo, type Provider, type Resolved, type UrlInput, type WebSocketConstructor } from '../options'
import { createConnection, type SocketEvents } from './connection'
import { retryable } from './close-codes'
import { createHeartbeat, type Heartbeat } from './heartbeat'

/** The client's lifecycle state. `idle` only before `connect()` of a lazy client. */
export type State = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed'

/** Payload of the `reconnecting` event: retry number `attempt` (from 1) starts in `delay` ms. */
export interface ReconnectingInfo {
  attempt: number
  delay: number
  reason: string
}

/** Payload of the `close` event. `willReconnect: false` marks the final one, and `why` says why. */
export interface ClientCloseEvent extends CloseInfo {
  willReconnect: boolean
  why?: string
}

/** What the link tells the client. @internal */
export interface LinkHooks {
  state(next: State, prev: State, reason: string): void
  /** A socket opened; the state is already `open`. */
  open(socket: WebSocket): void
  /** Every inbound frame; the heartbeat has already seen it. */
  message(data: unknown): void
  /** Once per socket that ends (opened or not), before the next state; once more on a final close without a socket. */
  close(info: ClientCloseEvent): void
  reconnecting(info: ReconnectingInfo): void
  error(err: unknown): void
  /** Send one heartbeat probe now. */
  ping(): void
  /** stop() was called and the socket, if open, is still writable. */
  closing(): void
}

/** @internal */
export interface Link {
  readonly state: State
  /** The open socket, if any. */
  readonly socket: WebSocket | undefined
  /** Connects; a no-op unless idle. Throws a TypeError without a WebSocket constructor. */
  start(): void
  /** Drops the socket now, resets the backoff and connects at once. Starts an idle link; a no-op once closed. */
  restart(reason?: string): void
  /** Final and idempotent. Throws a RangeError for a code a browser would refuse. */
  stop(code?: number, reason?: string): void
  /** Pings now when open with a heartbeat; otherwise a no-op. */
  probe(): void
}

const value = <T>(p: Provider<T>): T | Promise<T> => (typeof p === 'function' ? (p as () => T | Promise<T>)() : p)
const lostInfo = (reason: string): CloseInfo => ({ code: 1006, reason, wasClean: false })

/**
 * Creates the link in state `idle`; `start()` connects.
 * @example
 * const link = createLink('wss://example.com/ws', resolveOptions({}), hooks)
 * link.start()
 * @internal
 */
export function createLink(url: UrlInput, options: Resolved, hooks: LinkHooks): Link {
  const { env, reconnect: r, heartbeat } = options
  const { clock, document, navigator } = env
  const should = r && r.shouldReconnect
  const conn = createConnection(options.WebSocket as WebSocketConstructor, options.binaryType)
  const retry = createTimer(clock)
  // connectTimeout while an attempt runs, then resetAfter while open: never both.
  const timer = createTimer(clock)
  let state: State = 'idle'
  let attempt = 0
  // Moves on whenever the current attempt or socket is given up; every step
  // after a hook compares it, since a hook may have called stop() or restart().
  let epoch = 0
  let offline = false
  let beat: Heartbeat | undefined

  /** Sets the state; a change is logged and announced. */
  const move = (next: State, reason: string, prev = state) => {
    state = next
    if (prev != next) {
      options.logger?.debug(`lifeline: ${prev} -> ${next} (${reason})`)
      hooks.state(next, prev, reason)
    }
  }

  /** Reports the socket that ended (if any), moves to `next` and, unless a hook moved on, runs `then`. */
  const step = (next: State, reason: string, then: () => unknown, info?: CloseInfo) => {
    const my = epoch
    if (info) hooks.close({ ...info, willReconnect: true })
    if (my == epoch) move(next, reason)
    if (my == epoch) then()
  }

  // The one teardown path of an attempt or socket and everything timed for it.
  const drop = (code?: number, reason?: string) => {
    epoch++
    timer.clear()
    retry.clear()
    beat?.stop()
    beat = undefined
    conn.drop(code, reason)
  }

  const end = (info: CloseInfo, why: string) => {
    drop(info.code, info.reason)
    listen(false)
    const prev = state
    // Closed before the hooks run, so a hook calling stop() again is a no-op.
    state = 'closed'
    hooks.close({ ...info, willReconnect: false, why })
    move('closed', why, prev)
  }

  /** The close-code table, unless `shouldReconnect` says otherwise. */
  const allowed = (info: CloseInfo): boolean => {
    try {
      return should ? should(info, attempt) : retryable(info)
    } catch (err) {
      hooks.error(err)
      return retryable(info)
    }
  }

  /** A socket ended or an attempt failed; `info` is set when a socket existed. */
  const lost = (info: CloseInfo | undefined, reason: string) => {
    drop()
    const my = epoch
    const why = !r
      ? 'reconnect disabled'
      : info && !allowed(info)
        ? `close ${info.code} not retryable`
        : !offline && attempt >= r.maxRetries
          ? 'retries exhausted'
          : ''
    if (my != epoch) return
    if (!r || why) return end(info ?? lostInfo(reason), why)
    step('reconnecting', reason, () => {
      // Offline, attempts would fail without telling us anything: wait for `online`.
      if (offline) return
      const delay = r.backoff(attempt++, r, env.random)
      retry.set(delay, connect)
      hooks.reconnecting({ attempt, delay, reason })
    }, info)
  }

  // A close event only for a socket that existed: a stuck provider has none.
  const timeout = (reason: string) => lost(conn.socket && lostInfo(reason), reason)

  const events: SocketEvents = {
    open(socket) {
      // Ends the connect timeout. Counting restarts only once a connection proved
      // stable, so a server that accepts and drops at once still sees the delays grow.
      r ? timer.set(r.resetAfter, () => (attempt = 0)) : timer.clear()
      if (heartbeat) beat = createHeartbeat(heartbeat, clock, hooks.ping, () => timeout('heartbeat timeout'))
      step('open', 'open', () => hooks.open(socket))
    },
    message(data) {
      beat?.seen()
      hooks.message(data)
    },
    close: (info) => lost(info, `close ${info.code}`),
  }

  const connect = async () => {
    drop()
    const my = epoch
    // Covers the providers too: a provider that never settles is a stuck attempt.
    timer.set(options.connectTimeout, () => timeout('connect timeout'))
    try {
      const target = socketUrl(await value(url))
      const protocols = await value(options.protocols)
      if (my == epoch) conn.open(target, protocols, events)
    } catch (err) {
      if (my != epoch) return
      hooks.error(err)
      if (my == epoch) lost(undefined, 'attempt failed')
    }
  }

  const probe = () => beat?.probe()

  /** The one listener for network and page events. */
  const onEvent = (e: Event) => {
    if (e.type == 'offline') {
      offline = true
      retry.clear()
      return probe()
    }
    if (e.type == 'online') {
      offline = false
      attempt = 0
    } else if (e.type == 'pageshow' ? (e as PageTransitionEvent).persisted : document?.visibilityState == 'visible') {
      // Back from a hidden tab or the back/forward cache: online events may have been missed.
      offline = navigator?.onLine === false
    } else return
    // Listeners exist only between start and the final close, so not open means
    // connecting or reconnecting; with no attempt timed, it is waiting: try now.
    if (state == 'open') probe()
    else if (!timer.pending && !offline) void connect()
  }
  const listen = (on: boolean) => {
    const method = `${on ? 'add' : 'remove'}EventListener` as const
    for (const type of ['online', 'offline', 'pageshow']) env.window?.[method](type, onEvent)
    document?.[method]('visibilitychange', onEvent)
  }

  const start = () => {
    if (state != 'idle') return
    if (!options.WebSocket) throw new TypeError('lifeline: pass options.WebSocket')
    listen(true)
    offline = navigator?.onLine === false
    step('connecting', 'start', () => offline || connect())
  }

  return {
    get state() {
      return state
    },
    get socket() {
      return state == 'open' ? conn.socket : undefined
    },
    start,
    restart(reason = 'restart') {
      if (state == 'idle') return start()
      if (state == 'closed') return
      const info = conn.socket && { code: 1000, reason, wasClean: true }
      drop(1000, reason)
      attempt = 0
      step('reconnecting', reason, connect, info)
    },
    stop(code = 1000, reason = '') {
      if (code != 1000 && !(code >= 3000 && code < 5000)) throw new RangeError(`lifeline: close code ${code} is not 1000 or 3000-4999`)
      if (state == 'closed') return
      // Before the socket goes: the client's last chance to flush its outbox to an open socket.
      hooks.closing()
      end({ code, reason, wasClean: true }, 'closed by client')
    },
    probe,
  }
}
