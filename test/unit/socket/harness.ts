/** Builds a link over FakeSocket with injected, inspectable environment targets. */
import { afterEach, beforeEach, vi } from 'vitest'
import { createLink, type LinkHooks } from '../../../src/socket/reconnect'
import { resolveOptions, type SocketOptions, type UrlInput } from '../../../src/socket/options'
import { CountingTarget, FakeSocket } from '../../helpers/fake-socket'
import { flush } from '../../helpers/flush'

export type Recorded = { [K in keyof LinkHooks]: [K, ...Parameters<LinkHooks[K]>] }[keyof LinkHooks]

export function harness(o: SocketOptions = {}, url: UrlInput = 'ws://test.local/ws', extra: Partial<LinkHooks> = {}) {
  const window = new CountingTarget()
  const document = Object.assign(new CountingTarget(), { visibilityState: 'visible' })
  const navigator = { onLine: true }
  const events: Recorded[] = []
  const lines: string[] = []
  const record = <K extends keyof LinkHooks>(name: K) =>
    ((...args: Parameters<LinkHooks[K]>) => {
      events.push([name, ...args] as unknown as Recorded)
      ;(extra[name] as ((...a: Parameters<LinkHooks[K]>) => void) | undefined)?.(...args)
    }) as LinkHooks[K]
  const hooks: LinkHooks = {
    state: record('state'),
    open: record('open'),
    message: record('message'),
    close: record('close'),
    reconnecting: record('reconnecting'),
    error: record('error'),
    ping: record('ping'),
    closing: record('closing'),
  }
  const options = resolveOptions({
    WebSocket: FakeSocket.ctor,
    logger: { debug: (line: string) => lines.push(line) },
    ...o,
    environment: { window, document, navigator, random: () => 0.5, ...o.environment },
  }, true)
  const link = createLink(url, options, hooks)
  /** Payloads of one kind of hook call, in order. */
  const of = <K extends keyof LinkHooks>(name: K) =>
    events.filter((e) => e[0] === name).map((e) => e.slice(1)) as Array<Parameters<LinkHooks[K]>>
  const delays = () => of('reconnecting').map(([info]) => info.delay)
  return {
    link, events, lines, window, document, navigator, of, delays,
    /** Starts the link and lets the first attempt create its socket. */
    async begin() {
      link.start()
      await flush()
    },
    /** Fails the current attempt, then waits out the retry delay so the next attempt has begun. */
    async failAndRetry() {
      FakeSocket.last.fail()
      await vi.advanceTimersByTimeAsync(delays().at(-1) ?? 0)
    },
    states: () => of('state').map(([next]) => next),
    closes: () => of('close').map(([info]) => info),
  }
}

// Lets pending promise callbacks (the async providers) run, without moving time: the shared helper.
export { flush }

/** Starts a link and opens its first socket. */
export async function opened(h: ReturnType<typeof harness>) {
  await h.begin()
  FakeSocket.last.accept()
  return FakeSocket.last
}

/** Every test of the calling file runs on fake timers with a fresh FakeSocket registry. */
export function fakeTimersPerTest() {
  beforeEach(() => {
    vi.useFakeTimers()
    FakeSocket.reset()
  })
  afterEach(() => {
    vi.useRealTimers()
  })
}
