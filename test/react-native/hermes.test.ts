/**
 * The client suite's core scenarios in a context with exactly React Native's globals (Hermes, no
 * DOM events, no storage, React Native's URL and WebSocket: ./hermes-context.ts), against the real
 * lifeline server, with AppState, NetInfo and AsyncStorage faked in their packages' shapes
 * (./fakes.ts; published/check.ts holds them to the published types).
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { start } from '../integration/server/helpers'
import { createFaultProxy, type FaultProxy } from '../helpers/fault-proxy'
import { patient } from '../helpers/wait'
import { absentGlobals, startReactNativeApp, type App } from './hermes-context'
import { createFakeAppState, createFakeAsyncStorage, createFakeNetInfo, noNetwork, wifi } from './fakes'
import type { Client } from '../../src/index'

type NetState = typeof wifi | typeof noNetwork
const clients: Client[] = []
const proxies: FaultProxy[] = []
afterEach(async () => {
  for (const client of clients.splice(0)) client.close()
  for (const proxy of proxies.splice(0)) await proxy.close()
})

const counting = (into: number[]) => ({ log: (params: unknown) => void into.push((params as { n: number }).n), echo: (params: unknown) => params })

/** A client as a React Native app makes it: the adapters, over the fakes. */
function appClient(app: App, url: string, devices = { appState: createFakeAppState<string>('active'), netInfo: createFakeNetInfo<NetState>(wifi), storage: createFakeAsyncStorage() }, extra: object = {}) {
  const client = app.createClient(url, {
    ...app.reactNative({ AppState: devices.appState.AppState, NetInfo: devices.netInfo.NetInfo }),
    queue: { storage: app.asyncStorageOutbox(devices.storage.AsyncStorage, 'outbox') },
    reconnect: { backoff: () => 50 },
    ...extra,
  })
  clients.push(client)
  return { client, ...devices }
}

describe('lifeline in a React Native (Hermes) context', () => {
  it('has the globals of React Native and none of the browser ones', async () => {
    const { run } = await startReactNativeApp()
    for (const name of absentGlobals) expect(run(`typeof ${name}`), name).toBe('undefined')
    expect(run('window === globalThis && self === globalThis && typeof window.addEventListener')).toBe('undefined')
    expect(run('typeof WebSocket + typeof TextEncoder + typeof setImmediate + navigator.product')).toBe('functionfunctionfunctionReactNative')
    expect(() => run("new URL('ws://a.example/ws').protocol")).toThrow(/not implemented/)
  })

  it('connects, calls, and takes a topic, with a URL React Native cannot parse (a query, no getters)', async () => {
    const server = await start({ methods: { echo: (params) => params } })
    const { app } = await startReactNativeApp()
    const { client } = appClient(app, `ws://127.0.0.1:${server.port}/?token=a/b`)
    await client.ready()
    await expect(client.call('echo', { hello: 'hermes' })).resolves.toEqual({ hello: 'hermes' })
    const news: unknown[] = []
    const subscription = client.subscribe('news', (data) => void news.push(data))
    await subscription.ready
    server.publish('news', { n: 1 })
    server.publish('news', { n: 2 })
    await vi.waitFor(() => expect(news).toEqual([{ n: 1 }, { n: 2 }]), patient)
    subscription.unsubscribe()
    await expect(subscription.ready).resolves.toBeUndefined()
  })

  it('reconnects after a drop: every notification once, in order', async () => {
    const seen: number[] = []
    const server = await start({ methods: counting(seen) })
    const proxy = await createFaultProxy(server.port!)
    proxies.push(proxy)
    const { app } = await startReactNativeApp()
    const { client } = appClient(app, proxy.url('/'))
    const closes: number[] = []
    client.on('close', ({ code }) => void closes.push(code))
    await client.ready()
    for (let n = 0; n < 200; n++) {
      client.notify('log', { n })
      if (n === 100) proxy.reset()
    }
    await vi.waitFor(() => expect(seen).toHaveLength(200), patient)
    await vi.waitFor(() => expect(client.state).toBe('open'), patient)
    expect(closes).toEqual([1006])
    expect(proxy.accepted).toBe(2)
    expect(seen).toEqual(Array.from({ length: 200 }, (_, n) => n))
  })

  it('finds a dead (blackholed) socket by its heartbeat and replaces it', async () => {
    const server = await start({ methods: { echo: (params) => params } })
    const proxy = await createFaultProxy(server.port!)
    proxies.push(proxy)
    const { app } = await startReactNativeApp()
    const { client } = appClient(app, proxy.url('/'), undefined, { heartbeat: { interval: 200, timeout: 300 } })
    const reasons: string[] = []
    client.on('close', ({ reason }) => void reasons.push(reason))
    await client.ready()
    proxy.set('blackhole')
    await vi.waitFor(() => expect(client.state).not.toBe('open'), patient)
    expect(reasons).toContain('heartbeat timeout')
    proxy.set('pass')
    await vi.waitFor(() => expect(client.state).toBe('open'), patient)
    await expect(client.call('echo', { after: true })).resolves.toEqual({ after: true })
  })

  it('closes on purpose in the background, waits, and resumes the session in the foreground', async () => {
    const seen: number[] = []
    const server = await start({ methods: counting(seen) })
    const { app } = await startReactNativeApp()
    const { client, appState } = appClient(app, `ws://127.0.0.1:${server.port}/`)
    const closes: { code: number; reason: string; willReconnect: boolean }[] = []
    const sessions: boolean[] = []
    client.on('close', ({ code, reason, willReconnect }) => void closes.push({ code, reason, willReconnect }))
    client.on('session', ({ resumed }) => void sessions.push(resumed))
    await client.ready()
    client.notify('log', { n: 1 })
    await vi.waitFor(() => expect(seen).toEqual([1]), patient)

    appState.set('background')
    await vi.waitFor(() => expect(closes).toEqual([{ code: 1000, reason: app.BACKGROUND_REASON, willReconnect: true }]), patient)
    await vi.waitFor(() => expect(server.stats.connections).toBe(0), patient)
    // Queued while in the background: no socket is tried (the backoff is 50 ms, and a server is up).
    client.notify('log', { n: 2 })
    expect(client.state).toBe('reconnecting')
    expect(server.stats.connections).toBe(0)

    appState.set('active')
    // The first notification, held until the server acknowledged it, is not sent twice: the session resumes.
    await vi.waitFor(() => expect(seen).toEqual([1, 2]), patient)
    expect(sessions).toEqual([false, true])
    expect(server.stats.connections).toBe(1)
  })

  it('waits while NetInfo says offline and connects the moment it says online, not on its backoff', async () => {
    const server = await start({ methods: { echo: (params) => params } })
    const proxy = await createFaultProxy(server.port!)
    proxies.push(proxy)
    proxy.set('refuse')
    const { app } = await startReactNativeApp()
    const netInfo = createFakeNetInfo<NetState>(noNetwork)
    const devices = { appState: createFakeAppState<string>('active'), netInfo, storage: createFakeAsyncStorage() }
    // A backoff of an hour: only the online event can explain a prompt reconnect.
    const { client } = appClient(app, proxy.url('/'), devices, { reconnect: { backoff: () => 3_600_000 } })
    await vi.waitFor(() => expect(client.state).toBe('reconnecting'), patient)
    const answer = client.call('echo', { queued: 'while offline' })
    proxy.set('pass')
    netInfo.set(wifi)
    await expect(answer).resolves.toEqual({ queued: 'while offline' })
  })

  it('keeps the outbox in AsyncStorage across an app restart: each frame sent once, in order', async () => {
    const seen: number[] = []
    const server = await start({ methods: counting(seen) })
    const proxy = await createFaultProxy(server.port!)
    proxies.push(proxy)
    const storage = createFakeAsyncStorage()
    // First run: the network is down, three notifications are queued, then the app is killed.
    proxy.set('refuse')
    const first = await startReactNativeApp()
    const offline = createFakeNetInfo<NetState>(noNetwork)
    const before = appClient(first.app, proxy.url('/'), { appState: createFakeAppState<string>('active'), netInfo: offline, storage })
    await vi.waitFor(() => expect(before.client.state).toBe('reconnecting'), patient)
    for (let n = 1; n <= 3; n++) before.client.notify('log', { n })
    await vi.waitFor(() => expect([...storage.items.keys()]).toEqual(['outbox:1', 'outbox:2', 'outbox:3']), patient)
    before.client.close()
    expect(seen).toEqual([])

    // Second run: a new JavaScript context (new globals, new module state), the same device storage.
    proxy.set('pass')
    const second = await startReactNativeApp()
    const after = appClient(second.app, proxy.url('/'), { appState: createFakeAppState<string>('active'), netInfo: createFakeNetInfo<NetState>(wifi), storage })
    await after.client.ready()
    await vi.waitFor(() => expect(seen).toEqual([1, 2, 3]), patient)
    await vi.waitFor(() => expect(storage.items.size).toBe(0), patient)
    after.client.notify('log', { n: 4 })
    await vi.waitFor(() => expect(seen).toEqual([1, 2, 3, 4]), patient)
  })

  it('runs the React hooks (useConnectionState, useTopic, useCall) with a renderer that has no DOM', async () => {
    let release = () => {}
    const hanging = new Promise<void>((resolve) => {
      release = resolve
    })
    const server = await start({ methods: { echo: (params) => params, hang: () => hanging } })
    const { app, consoleErrors } = await startReactNativeApp()
    const { client } = appClient(app, `ws://127.0.0.1:${server.port}/`)
    const { createElement: h, create, LifelineProvider, useConnectionState, useTopic, useCall } = app
    const Screen = () => {
      const state = useConnectionState()
      const news = useTopic<{ topics: { news: string } }, 'news'>('news')
      const echo = useCall('echo', { text: 'pong' })
      // Still running at unmount: its AbortController is aborted with an AbortError (no DOMException in Hermes).
      const pending = useCall('hang', {})
      return h('text', null, `${state}|${String(news.data)}|${String((echo.data as { text?: string } | undefined)?.text)}|${pending.loading}`)
    }
    // Rendered as an app renders, without act(): React's scheduler runs on the context's setImmediate.
    const renderer = create(h(LifelineProvider, { client }, h(Screen)))
    const text = () => (renderer.toJSON() as { children: string[] } | null)?.children.join('')
    await vi.waitFor(() => expect(text()).toBe('open|undefined|pong|true'), patient)
    const subscribers = async () => (await server.cluster()).topics.news ?? 0
    await vi.waitFor(async () => expect(await subscribers()).toBe(1), patient)
    server.publish('news', 'headline')
    await vi.waitFor(() => expect(text()).toBe('open|headline|pong|true'), patient)
    renderer.unmount()
    await vi.waitFor(async () => expect(await subscribers()).toBe(0), patient)
    release()
    // React 19 says once that react-test-renderer is deprecated (for apps' tests; it is the renderer without a DOM here).
    expect(consoleErrors.filter(([message]) => !String(message).startsWith('react-test-renderer is deprecated'))).toEqual([])
  })
})
