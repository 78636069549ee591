/**
 * The lifeline client on MessagePack against lifeline-ws/server speaking JSON and MessagePack, end to
 * end on loopback (through the fault proxy where a cut is needed): the dialect agreed by subprotocol,
 * calls and results with bytes, notifications, server-to-client calls, topics with history and gaps,
 * a session resumed across a cut, and JSON's refusal of bytes.
 */
import { describe, expect, it, vi } from 'vitest'
import WebSocket from 'ws'
import { createClient, isProtocolError, jsonRpc, type WebSocketConstructor } from '../../src/index'
import { msgpack } from '../../src/msgpack'
import type { Context } from '../../src/server'
import { createFaultProxy } from '../helpers/fault-proxy'
import { patient } from '../helpers/wait'
import { client } from './server/client-helper'
import { first, start, url } from './server/helpers'

const bytes = (...values: number[]) => new Uint8Array(values)
const both = () => [jsonRpc(), msgpack()]

describe('createClient with msgpack()', () => {
  it('agrees lifeline.msgpack, and round-trips Uint8Array params and results in calls', async () => {
    const contexts: Context[] = []
    const server = await start({
      protocol: both(),
      onConnect: (ctx) => void contexts.push(ctx),
      methods: { reverse: (params) => Uint8Array.from((params as { bytes: Uint8Array }).bytes).reverse() },
    })
    const c = client(url(server), { protocol: msgpack() })
    expect(await c.call('reverse', { bytes: bytes(1, 2, 3) })).toEqual(bytes(3, 2, 1))
    expect(contexts[0]!.request.headers['sec-websocket-protocol']).toBe('lifeline.msgpack')
  })

  it("offers the app's own subprotocols after the dialect's", async () => {
    const contexts: Context[] = []
    const server = await start({ protocol: both(), onConnect: (ctx) => void contexts.push(ctx) })
    const c = client(url(server), { protocol: msgpack(), protocols: () => ['app.v2'] })
    await c.ready()
    expect(contexts[0]!.request.headers['sec-websocket-protocol']).toBe('lifeline.msgpack,app.v2')
  })

  it('receives notifications and answers server-to-client calls, bytes both ways', async () => {
    const contexts: Context[] = []
    const server = await start({ protocol: both(), onConnect: (ctx) => void contexts.push(ctx) })
    const c = client(url(server), { protocol: msgpack() })
    const frames: unknown[] = []
    c.listen('frame', (params) => frames.push(params))
    c.handle('sign', (params) => ({ signature: Uint8Array.from((params as { payload: Uint8Array }).payload, (b) => b ^ 0xff) }))
    await c.ready()
    await vi.waitFor(() => expect(contexts).toHaveLength(1), patient)
    contexts[0]!.notify('frame', { pixels: bytes(4, 5) })
    await vi.waitFor(() => expect(frames).toEqual([{ pixels: bytes(4, 5) }]), patient)
    expect(await contexts[0]!.call('sign', { payload: bytes(0, 1) })).toEqual({ signature: bytes(255, 254) })
  })

  it('gets topic history after its cursor across a reconnect, and is told of a gap', async () => {
    const contexts: Context[] = []
    const server = await start({ protocol: both(), history: { limit: 3 }, onConnect: (ctx) => void contexts.push(ctx) })
    const proxy = await createFaultProxy(server.port!)
    first(() => proxy.close())
    const c = client(proxy.url('/'), { protocol: msgpack() })
    const ticks: unknown[] = []
    let gaps = 0
    c.subscribe('cursors', (data) => ticks.push(data), { onGap: () => gaps++ })
    await vi.waitFor(() => expect(contexts[0]?.topics.has('cursors')).toBe(true), patient)
    await server.publish('cursors', { n: 1, trail: bytes(1) })
    await vi.waitFor(() => expect(ticks).toHaveLength(1), patient)
    // Cut: two messages while away come back from history after the cursor, bytes intact.
    proxy.set('blackhole')
    c.reconnect()
    await server.publish('cursors', { n: 2, trail: bytes(2) })
    await server.publish('cursors', { n: 3, trail: bytes(3) })
    proxy.set('pass')
    await vi.waitFor(() => expect(ticks).toHaveLength(3), { ...patient, timeout: 15_000 })
    expect(ticks).toEqual([{ n: 1, trail: bytes(1) }, { n: 2, trail: bytes(2) }, { n: 3, trail: bytes(3) }])
    expect(gaps).toBe(0)
    // Away for more than the history keeps: a gap.
    proxy.set('blackhole')
    c.reconnect()
    for (let n = 4; n <= 8; n++) await server.publish('cursors', { n })
    proxy.set('pass')
    await vi.waitFor(() => expect(gaps).toBe(1), { ...patient, timeout: 15_000 })
  })

  it('resumes its session across a cut: every notification runs once, in order', async () => {
    const seen: number[] = []
    const server = await start({ protocol: both(), methods: { log: (params) => void seen.push((params as { n: number }).n) } })
    const proxy = await createFaultProxy(server.port!)
    first(() => proxy.close())
    const c = client(proxy.url('/'), { protocol: msgpack(), heartbeat: { interval: 200, timeout: 300 } })
    const sessions: boolean[] = []
    c.on('session', ({ resumed }) => sessions.push(resumed))
    await c.ready()
    for (let n = 0; n < 300; n++) {
      c.notify('log', { n, blob: bytes(n & 0xff) })
      if (n === 150) proxy.reset()
    }
    await vi.waitFor(() => expect(seen.length).toBeGreaterThanOrEqual(300), { ...patient, timeout: 20_000 })
    expect(seen).toEqual(Array.from({ length: 300 }, (_, n) => n))
    expect(sessions[0]).toBe(false)
    expect(sessions.slice(1).every(Boolean)).toBe(true)
  })
})

describe('createClient with JSON', () => {
  it('refuses Uint8Array params with an error that says to use MessagePack or base64, and sends nothing', async () => {
    const calls: unknown[] = []
    const server = await start({ protocol: both(), methods: { upload: (params) => void calls.push(params) } })
    const c = createClient(url(server), { WebSocket: WebSocket as unknown as WebSocketConstructor })
    first(() => c.close())
    const err = await c.call('upload', { file: bytes(1, 2) }).catch((error: unknown) => error)
    expect(isProtocolError(err)).toBe(true)
    expect(String(err)).toMatch(/cannot encode as JSON: binary data in 'file': use msgpack\(\) from lifeline-ws\/msgpack, or base64/)
    expect(() => c.notify('upload', { file: bytes(1) })).toThrow(/use msgpack\(\)/)
    await c.call('upload', { file: 'AQI=' })
    expect(calls).toEqual([{ file: 'AQI=' }])
  })
})
