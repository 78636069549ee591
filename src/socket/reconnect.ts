/**
 * The link: one state machine over one socket at a time. It retries with
 * backoff, applies the close policy, watches the heartbeat, and listens to the
 * network and page visibility. socket.ts wires it to the outbox.
 * @module
 */
import { ConnectError } from '../errors'
import { createTimer } from '../timers'
import { socketUrl, type CloseInfo, type Provider, type Resolved, type UrlInput } from './options'
import { createConnection, type ConnectionEvents } from './connection'
import { ABNORMAL, NORMAL, retryable } from './close-codes'
import { createHeartbeat, type Heartbeat } from './heartbeat'

/** The lifecycle state. `idle` only before `connect()` of a lazy socket or client. */
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

/** What the link tells the layer above. @internal */
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
  /** Drops the open socket as if it were lost (1006, `reason`): reconnects after the backoff delay, which grows if this repeats. */
  retry(reason: string): void
  /** Final and idempotent. Throws a RangeError for a code a browser would refuse. */
  stop(code?: number, reason?: string): void
  /** Pings now when open with a heartbeat; otherwise a no-op. */
  probe(): void
}

const valueOf = <T>(provider: Provider<T>): T | Promise<T> =>
  typeof provider === 'function' ? (provider as () => T | Promise<T>)() : provider
const lostInfo = (reason: string): CloseInfo => ({ code: ABNORMAL, reason, wasClean: false })
/** Node 20 has no global WebSocket; the fix is one import. */
const NO_WEBSOCKET = "lifeline: no WebSocket constructor here. On Node < 22: import WebSocket from 'ws' and pass { WebSocket }"

/**
 * Creates the link in state `idle`; `start()` connects.
 * @example
 * const link = createLink('wss://example.com/ws', resolveOptions({}), hooks)
 * link.start()
 * @internal
 */
export function createLink(url: UrlInput, options: Resolved, hooks: LinkHooks): Link {
  const { env, reconnect, heartbeat, WebSocket } = options
  const { clock, document, navigator } = env
  const connection = WebSocket && createConnection(WebSocket, options.binaryType)
  const retryTimer = createTimer(clock)
  // connectTimeout while an attempt runs, then resetAfter while open: never both.
  const attemptTimer = createTimer(clock)
  let state: State = 'idle'
  let attempt = 0
  // Moves on whenever the current attempt or socket is given up; every step
  // after a hook compares it, since a hook may have called stop() or restart().
  let epoch = 0
  let offline = false
  let beat: Heartbeat | undefined
  // Until a socket opens once, the first failure is reported as an error event: otherwise
  // a server that is down at start looks like silence. An open or that one report clears it.
  let reportFailure = true
  let target = ''

  /** Sets the state; a change is logged and announced. */
  const move = (next: State, reason: string, prev = state) => {
    state = next
    if (prev !== next) {
      options.logger?.debug(`lifeline: ${prev} -> ${next} (${reason})`)
      hooks.state(next, prev, reason)
    }
  }

  /** Reports the socket that ended (if any), moves to `next` and, unless a hook moved on, runs `then`. */
  const step = (next: State, reason: string, then: () => unknown, info?: CloseInfo) => {
    const myEpoch = epoch
    if (info) hooks.close({ ...info, willReconnect: true })
    if (myEpoch === epoch) move(next, reason)
    if (myEpoch === epoch) then()
  }

  // The one teardown path of an attempt or socket and everything timed for it.
  const drop = (code?: number, reason?: string) => {
    epoch++
    attemptTimer.clear()
    retryTimer.clear()
    beat?.stop()
    beat = undefined
    connection?.drop(code, reason)
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
      return reconnect && reconnect.shouldReconnect ? reconnect.shouldReconnect(info, attempt) : retryable(info)
    } catch (err) {
      hooks.error(err)
      return retryable(info)
    }
  }

  /** Why a lost socket or attempt ends for good, or '' when it retries. */
  const finalReason = (info: CloseInfo | undefined): string => {
    if (!reconnect) return 'reconnect disabled'
    if (info && !allowed(info)) return `close ${info.code} not retryable`
    if (!offline && attempt >= reconnect.maxRetries) return 'retries exhausted'
    return ''
  }

  /** A socket ended or an attempt failed; `info` is set when a socket existed. */
  const lost = (info: CloseInfo | undefined, reason: string) => {
    drop()
    const myEpoch = epoch
    // Only for a socket that existed: a failing provider has reported its own error already.
    if (info && reportFailure) {
      reportFailure = false
      hooks.error(new ConnectError(target, info.code, info.reason))
    }
    const why = finalReason(info)
    if (myEpoch !== epoch) return
    if (!reconnect || why) return end(info ?? lostInfo(reason), why)
    step('reconnecting', reason, () => {
      // Offline, attempts would fail without telling us anything: wait for `online`.
      if (offline) return
      const delay = reconnect.backoff(attempt, reconnect, env.random)
      attempt++
      retryTimer.set(delay, () => void connect())
      hooks.reconnecting({ attempt, delay, reason })
    }, info)
  }

  // A close event only for a socket that existed: a stuck provider has none.
  const timeout = (reason: string) => lost(connection?.socket && lostInfo(reason), reason)

  const events: ConnectionEvents = {
    open(socket) {
      reportFailure = false
      // Ends the connect timeout. Counting restarts only once a connection proved
      // stable, so a server that accepts and drops at once still sees the delays grow.
      if (reconnect) {
        attemptTimer.set(reconnect.resetAfter, () => {
          attempt = 0
        })
      } else attemptTimer.clear()
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
    const myEpoch = epoch
    // Covers the providers too: a provider that never settles is a stuck attempt.
    attemptTimer.set(options.connectTimeout, () => timeout('connect timeout'))
    try {
      const address = socketUrl(await valueOf(url))
      const protocols = await valueOf(options.protocols)
      if (myEpoch !== epoch) return
      target = address
      connection?.connect(address, protocols, events)
    } catch (err) {
      if (myEpoch !== epoch) return
      hooks.error(err)
      if (myEpoch === epoch) lost(undefined, 'attempt failed')
    }
  }

  const probe = () => beat?.probe()

  /** True when a page or visibility event says the page is back and may have missed `online`. */
  const cameBack = (event: Event): boolean =>
    event.type === 'pageshow' ? (event as PageTransitionEvent).persisted : document?.visibilityState === 'visible'

  /** The one listener for network and page events. */
  const onEvent = (event: Event) => {
    if (event.type === 'offline') {
      offline = true
      retryTimer.clear()
      probe()
      return
    }
    if (event.type === 'online') {
      offline = false
      attempt = 0
    } else if (cameBack(event)) {
      // Back from a hidden tab or the back/forward cache: online events may have been missed.
      offline = navigator?.onLine === false
    } else return
    // Listeners exist only between start and the final close, so not open means
    // connecting or reconnecting; with no attempt timed, it is waiting: try now.
    if (state === 'open') probe()
    else if (!attemptTimer.pending && !offline) void connect()
  }
  // `?.` on the method too: React Native's `window` is the global object, which is no event target.
  const listen = (on: boolean) => {
    const method = on ? 'addEventListener' : 'removeEventListener'
    for (const type of ['online', 'offline', 'pageshow']) env.window?.[method]?.(type, onEvent)
    document?.[method]?.('visibilitychange', onEvent)
  }

  const start = () => {
    if (state !== 'idle') return
    if (!connection) throw new TypeError(NO_WEBSOCKET)
    listen(true)
    offline = navigator?.onLine === false
    step('connecting', 'start', () => offline || connect())
  }

  return {
    get state() {
      return state
    },
    get socket() {
      return state === 'open' ? connection?.socket : undefined
    },
    start,
    restart(reason = 'restart') {
      if (state === 'idle') return start()
      if (state === 'closed') return
      const info = connection?.socket && { code: NORMAL, reason, wasClean: true }
      drop(NORMAL, reason)
      attempt = 0
      step('reconnecting', reason, connect, info)
    },
    retry(reason) {
      if (state === 'open') timeout(reason)
    },
    stop(code = NORMAL, reason = '') {
      if (code !== NORMAL && !(code >= 3000 && code < 5000)) throw new RangeError(`lifeline: close code ${code} is not 1000 or 3000-4999`)
      if (state === 'closed') return
      // Before the socket goes: the layer's last chance to flush its outbox to an open socket.
      hooks.closing()
      end({ code, reason, wasClean: true }, 'closed by client')
    },
    probe,
  }
}
