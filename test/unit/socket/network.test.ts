import { describe, expect, it, vi } from 'vitest'
import type { SocketOptions, EnvironmentOptions } from '../../../src/socket/options'
import { FakeSocket } from '../../helpers/fake-socket'
import { fakeTimersPerTest, flush, harness, opened } from './harness'

const make = (o: SocketOptions = {}) => harness({ heartbeat: { interval: 1000, timeout: 500 }, ...o })
const pageshow = (persisted: boolean) => Object.assign(new Event('pageshow'), { persisted })

fakeTimersPerTest()

describe('online and offline', () => {
  it('offline during a backoff wait stops attempts; online tries at once with the backoff reset', async () => {
    const h = make({ reconnect: { initialDelay: 1000 } })
    await h.begin()
    await h.failAndRetry()
    FakeSocket.last.fail()
    expect(h.delays()).toEqual([500, 1000])
    h.navigator.onLine = false
    h.window.dispatchEvent(new Event('offline'))
    await vi.advanceTimersByTimeAsync(600_000)
    expect(FakeSocket.instances).toHaveLength(2)
    expect(h.link.state).toBe('reconnecting')
    h.navigator.onLine = true
    h.window.dispatchEvent(new Event('online'))
    await flush()
    expect(FakeSocket.instances).toHaveLength(3)
    FakeSocket.last.fail()
    expect(h.delays().at(-1)).toBe(500)
  })

  it('does not count attempts that fail while offline, nor close on maxRetries', async () => {
    const h = make({ reconnect: { maxRetries: 1 } })
    await h.begin()
    h.navigator.onLine = false
    h.window.dispatchEvent(new Event('offline'))
    FakeSocket.last.fail()
    expect(h.link.state).toBe('reconnecting')
    expect(h.of('reconnecting')).toHaveLength(0)
    expect(h.closes()).toEqual([{ code: 1006, reason: '', wasClean: false, willReconnect: true }])
    expect(vi.getTimerCount()).toBe(0)
    h.window.dispatchEvent(new Event('online'))
    await flush()
    FakeSocket.last.fail()
    expect(h.of('reconnecting').map(([i]) => i.attempt)).toEqual([1])
  })

  it('starting offline waits for online before the first attempt', async () => {
    const h = make()
    h.navigator.onLine = false
    h.link.start()
    await vi.advanceTimersByTimeAsync(60_000)
    expect(h.link.state).toBe('connecting')
    expect(FakeSocket.instances).toHaveLength(0)
    h.window.dispatchEvent(new Event('online'))
    await flush()
    FakeSocket.last.accept()
    expect(h.link.state).toBe('open')
  })

  it('offline while open probes instead of dropping', async () => {
    const h = make()
    await opened(h)
    h.window.dispatchEvent(new Event('offline'))
    expect(h.of('ping')).toHaveLength(1)
    expect(h.link.state).toBe('open')
  })

  it('online while open probes; online mid-attempt leaves the attempt alone', async () => {
    const h = make()
    await h.begin()
    h.window.dispatchEvent(new Event('online'))
    await flush()
    expect(FakeSocket.instances).toHaveLength(1)
    FakeSocket.last.accept()
    h.window.dispatchEvent(new Event('online'))
    expect(h.of('ping')).toHaveLength(1)
  })
})

describe('visibility and the back/forward cache', () => {
  it('becoming visible probes an open socket; becoming hidden does nothing', async () => {
    const h = make()
    await opened(h)
    h.document.visibilityState = 'hidden'
    h.document.dispatchEvent(new Event('visibilitychange'))
    expect(h.of('ping')).toHaveLength(0)
    h.document.visibilityState = 'visible'
    h.document.dispatchEvent(new Event('visibilitychange'))
    expect(h.of('ping')).toHaveLength(1)
  })

  it('becoming visible during a backoff wait retries at once', async () => {
    const h = make({ heartbeat: false, reconnect: { initialDelay: 20_000 } })
    const socket = await opened(h)
    socket.fail()
    h.document.dispatchEvent(new Event('visibilitychange'))
    await flush()
    expect(FakeSocket.instances).toHaveLength(2)
    FakeSocket.last.accept()
    await vi.advanceTimersByTimeAsync(20_000)
    expect(FakeSocket.instances).toHaveLength(2)
  })

  it('pageshow from the back/forward cache probes; a fresh pageshow does not', async () => {
    const h = make()
    await opened(h)
    h.window.dispatchEvent(pageshow(false))
    expect(h.of('ping')).toHaveLength(0)
    h.window.dispatchEvent(pageshow(true))
    expect(h.of('ping')).toHaveLength(1)
  })

  it('pageshow re-reads navigator.onLine, since online events are missed while frozen', async () => {
    const h = make()
    h.navigator.onLine = false
    await h.begin()
    expect(FakeSocket.instances).toHaveLength(0)
    h.window.dispatchEvent(pageshow(true))
    await flush()
    expect(FakeSocket.instances).toHaveLength(0)
    h.navigator.onLine = true
    h.window.dispatchEvent(pageshow(true))
    await flush()
    expect(FakeSocket.instances).toHaveLength(1)
  })
})

describe('listeners', () => {
  it('are added on start and all removed on stop', async () => {
    const h = make()
    expect(h.window.listeners + h.document.listeners).toBe(0)
    await opened(h)
    expect(h.window.listeners).toBe(3)
    expect(h.document.listeners).toBe(1)
    h.link.stop()
    expect(h.window.listeners + h.document.listeners).toBe(0)
    h.window.dispatchEvent(new Event('online'))
    h.document.dispatchEvent(new Event('visibilitychange'))
    await flush()
    expect(FakeSocket.instances).toHaveLength(1)
  })

  it('are removed when retries run out', async () => {
    const h = make({ reconnect: { maxRetries: 0 } })
    await h.begin()
    FakeSocket.last.fail()
    expect(h.window.listeners + h.document.listeners).toBe(0)
  })

  it('nothing breaks without window, document or navigator (Node)', async () => {
    // The type has no room for an explicit undefined; runtime-wise it is what Node gives.
    const h = make({ environment: { window: undefined, document: undefined, navigator: undefined } as unknown as EnvironmentOptions })
    const socket = await opened(h)
    socket.fail()
    await vi.advanceTimersByTimeAsync(500)
    FakeSocket.last.accept()
    h.link.stop()
    expect(h.states()).toEqual(['connecting', 'open', 'reconnecting', 'open', 'closed'])
  })
})

describe('hosts whose window is no event target', () => {
  it("connects where `window` is the global object without addEventListener (React Native)", async () => {
    const reactNativeWindow = {} as EventTarget
    const h = make({ environment: { window: reactNativeWindow, document: undefined, navigator: {} } })
    await h.begin()
    expect(h.link.state).toBe('connecting')
    expect(FakeSocket.instances).toHaveLength(1)
    h.link.stop()
    expect(h.link.state).toBe('closed')
  })
})
