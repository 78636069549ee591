// Issue #25, item 8: lifeline-ws/testing as a user's own tests use it. The blackhole models a path
// that real TCP can have (bytes held, never lost while the connection stays open), a timeout says
// what happened to the call, publish works while the server is stopped, restart keeps sessions,
// close() resolves once the sockets are released, and leakCheck() finds what a test left behind.
import WebSocket from 'ws'
import { describe, expect, it, vi } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createClient, isTimeoutError, type Client, type WebSocketConstructor } from '../../../src/index'
import { createTestServer, leakCheck, settled, type TestServer } from '../../../src/testing/index'
import { patient } from '../../helpers/wait'
import { closeAfterEach, connect, start } from './harness'

closeAfterEach()

/** A client whose server has stopped: it is reconnecting, and its next attempt is a minute away. */
async function clientAway(server: TestServer): Promise<Client> {
  const client = connect(server, { reconnect: { initialDelay: 60_000, maxDelay: 60_000, jitter: 0 } })
  await client.ready()
  const closed = new Promise((resolve) => client.on('close', resolve))
  await server.stop()
  await closed
  return client
}

describe('blackhole() and heal()', () => {
  it('holds what is written meanwhile and delivers it on heal: the call runs once, on the same socket', async () => {
    const saved: unknown[] = []
    const server = await start({ methods: { 'cart.save': (params) => saved.push(params) } })
    const client = connect(server)
    await client.ready()
    const closes: unknown[] = []
    client.on('close', (event) => closes.push(event))
    server.blackhole()
    const call = client.call('cart.save', { items: 3 }, { resend: true, timeout: 10_000 })
    // The frame is in the dead path (the default heartbeat would take 35 s to notice).
    await vi.waitFor(() => expect(server.held).toBeGreaterThan(0), patient)
    expect(saved).toEqual([])
    server.heal()
    await expect(call).resolves.toBe(1)
    expect(saved).toEqual([{ items: 3 }])
    expect(closes).toEqual([])
    expect(server.held).toBe(0)
  })

  it('holds the server side too: an event pushed meanwhile arrives on heal', async () => {
    const server = await start()
    const client = connect(server)
    await client.ready()
    const seen: unknown[] = []
    client.listen('note', (payload) => seen.push(payload))
    server.blackhole()
    server.push('note', { n: 1 })
    await vi.waitFor(() => expect(server.held).toBeGreaterThan(0), patient)
    expect(seen).toEqual([])
    server.heal()
    await vi.waitFor(() => expect(seen).toEqual([{ n: 1 }]), patient)
  })
})

describe('a TimeoutError says what happened to the call', () => {
  it('written and unanswered: "it was sent and no answer came", sent: true', async () => {
    const server = await start()
    server.method('slow', () => new Promise(() => {}))
    const client = connect(server)
    await client.ready()
    const error = await client.call('slow', undefined, { timeout: 200 }).catch((err: unknown) => err)
    expect(isTimeoutError(error)).toBe(true)
    expect((error as Error).message).toBe("lifeline: call 'slow' timed out after 200 ms: it was sent and no answer came")
    expect(error).toMatchObject({ sent: true })
  })

  it('never written: "was never sent: it waited in the outbox while the client was reconnecting", sent: false', async () => {
    const client = await clientAway(await start())
    const error = await client.call('any', undefined, { timeout: 100 }).catch((err: unknown) => err)
    expect((error as Error).message).toBe("lifeline: call 'any' timed out after 100 ms and was never sent: it waited in the outbox while the client was reconnecting")
    expect(error).toMatchObject({ sent: false })
  })
})

describe('while the test server is stopped', () => {
  it('publish() keeps the message for the next server: the client gets it once, on resubscribe', async () => {
    const server = await start()
    const client = connect(server)
    const prices: unknown[] = []
    await client.subscribe('prices', (price) => prices.push(price)).ready
    server.publish('prices', 1)
    await vi.waitFor(() => expect(prices).toEqual([1]), patient)
    await server.stop()
    expect(server.publish('prices', 2)).toBeUndefined()
    expect(server.publish('prices', 3)).toBeUndefined()
    await server.start()
    await client.ready()
    await vi.waitFor(() => expect(prices).toEqual([1, 2, 3]), patient)
    expect(server.publish('prices', 4)).toBe(4)
    await vi.waitFor(() => expect(prices).toEqual([1, 2, 3, 4]), patient)
  })

  it('restart() keeps sessions: the client resumes the one it had', async () => {
    const server = await start()
    const client = connect(server)
    const sessions: Array<{ id: string; resumed: boolean }> = []
    client.on('session', (session) => sessions.push(session))
    await client.ready()
    await vi.waitFor(() => expect(sessions).toHaveLength(1), patient)
    await server.restart()
    await vi.waitFor(() => expect(sessions).toHaveLength(2), patient)
    expect(sessions[1]).toEqual({ id: sessions[0]?.id, resumed: true })
    // Two sockets handed to the server; onConnect also runs for the restored session, and is not counted.
    expect(server.accepted).toBe(2)
  })
})

describe('close() and leakCheck()', () => {
  it('close() resolves once the listening sockets and connections are released', async () => {
    const noLeaks = leakCheck()
    const server = await createTestServer()
    const client = connect(server)
    await client.ready()
    client.close()
    const before = process.getActiveResourcesInfo().filter((kind) => kind === 'TCPServerWrap').length
    await server.close()
    // Two listening sockets (the proxy, the server behind it), released by the time close() resolved.
    expect(process.getActiveResourcesInfo().filter((kind) => kind === 'TCPServerWrap').length).toBe(before - 2)
    await noLeaks({ timeout: 5000 })
  })

  it('leakCheck() names what a test left behind: a client never closed keeps its socket', async () => {
    const noLeaks = leakCheck()
    const server = await start()
    const client = createClient(server.url, { WebSocket: WebSocket as unknown as WebSocketConstructor })
    await client.ready()
    const error = await noLeaks({ timeout: 100 }).catch((err: unknown) => err)
    expect((error as Error).message).toMatch(/^lifeline-ws\/testing: left behind after 100 ms: .*TCPSocketWrap/)
    client.close()
  })
})

describe('settled()', () => {
  it("rejects with the text docs/testing.md quotes", async () => {
    const client = await clientAway(await start())
    client.notify('a')
    client.notify('b')
    client.notify('c')
    const error = await settled(client, { timeout: 50 }).catch((err: unknown) => err)
    expect((error as Error).message).toBe('lifeline-ws/testing: not settled after 50 ms: state reconnecting, 3 queued')
    const docs = readFileSync(join(import.meta.dirname, '../../../docs/testing.md'), 'utf8')
    expect(docs).toContain('`lifeline-ws/testing: not settled after 5000 ms: state reconnecting, 3 queued`')
  })
})
