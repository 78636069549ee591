// lifeline-ws/testing, tested by using it the way an app's tests would: a real client on `ws`
// against createTestServer, scripted and broken through its handles.
import { describe, expect, it, vi } from 'vitest'
import { isRpcError, RpcError, type Client, type ClientCloseEvent } from '../../../src/index'
import { settled } from '../../../src/testing/index'
import { patient } from '../../helpers/wait'
import { closeAfterEach, connect, start } from './harness'

closeAfterEach()

/** The next `close` event of a client. */
const nextClose = (client: Client) => new Promise<ClientCloseEvent>((resolve) => {
  const off = client.on('close', (event) => {
    off()
    resolve(event)
  })
})

describe('createTestServer', () => {
  it('scripts methods: reply with a value or an error, replace, and add a name while nobody is connected', async () => {
    const server = await start({ methods: { add: (params) => (params as number[]).reduce((sum, n) => sum + n, 0) } })
    server.reply('version', '1.2.3')
    const client = connect(server)
    expect(await client.call('add', [1, 2, 3])).toBe(6)
    expect(await client.call('version')).toBe('1.2.3')
    server.reply('version', new RpcError(4004, 'gone'))
    const refused = await client.call('version').catch((error: unknown) => error)
    expect(isRpcError(refused) && refused.code).toBe(4004)
    expect(() => server.method('late', () => 1)).toThrow(/late is new and clients are connected/)
    expect(server.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/$/)
  })

  it('pushes events to every client or one, and publishes to topics', async () => {
    const server = await start()
    const first = connect(server)
    const second = connect(server)
    const events: string[] = []
    first.listen('note', (payload) => events.push(`first:${(payload as { text: string }).text}`))
    second.listen('note', (payload) => events.push(`second:${(payload as { text: string }).text}`))
    const messages: unknown[] = []
    const subscription = first.subscribe('news', (data, meta) => messages.push([data, meta.seq]))
    await subscription.ready
    await server.waitForClients(2)
    server.push('note', { text: 'all' })
    const secondId = [...server.clients.keys()].find((id) => id !== server.subscribes[0]!.client)!
    server.push('note', { text: 'one' }, secondId)
    expect(server.publish('news', 'hello')).toBe(1)
    await settled(first, { server })
    await settled(second, { server })
    expect(events.sort()).toEqual(['first:all', 'second:all', 'second:one'])
    expect(messages).toEqual([['hello', 1]])
    expect(() => server.push('note', { text: 'x' }, 'nobody')).toThrow(/no client nobody/)
  })

  it('drops connections with a close code, or resets them (1006), and the client comes back', async () => {
    const server = await start()
    const client = connect(server)
    await client.ready()
    let closed = nextClose(client)
    server.drop({ code: 4000, reason: 'go away' })
    expect(await closed).toMatchObject({ code: 4000, reason: 'go away', willReconnect: true })
    await client.ready()
    closed = nextClose(client)
    server.reset()
    expect(await closed).toMatchObject({ code: 1006, willReconnect: true })
    await client.ready()
    expect(server.accepted).toBe(3)
  })

  it('blackholes the path both ways without closing it: only the heartbeat notices', async () => {
    const server = await start()
    server.reply('ping.me', 'pong')
    const client = connect(server, { heartbeat: { interval: 100, timeout: 100 }, connectTimeout: 300 })
    await client.ready()
    const closed = nextClose(client)
    server.blackhole()
    const call = client.call('ping.me', undefined, { timeout: 10_000 })
    const event = await closed
    expect(event.willReconnect).toBe(true)
    // The server never heard about it: its side of the connection is still open.
    expect(server.clients.size).toBe(1)
    // The client holds a session with the server: the call written into the dead path stays
    // pending and gets its real answer once the path heals and the session resumes.
    server.heal()
    await client.ready()
    await expect(call).resolves.toBe('pong')
    expect(await client.call('ping.me')).toBe('pong')
  })

  it('refuses new connections with 4401 (final for the client), leaving current ones alone', async () => {
    const server = await start()
    const current = connect(server)
    await current.ready()
    server.refuse()
    const refused = connect(server)
    const closed = nextClose(refused)
    expect(await closed).toMatchObject({ code: 4401, willReconnect: false })
    expect(refused.state).toBe('closed')
    expect(server.refused).toBe(1)
    expect(current.state).toBe('open')
    server.accept()
    const later = connect(server)
    await later.ready()
    expect(() => server.refuse(1000)).toThrow(/3000-4999/)
  })

  it('restarts on the same url: the client reconnects, resubscribes and sequence numbers go on', async () => {
    const server = await start()
    const client = connect(server)
    const seen: Array<number | undefined> = []
    await client.subscribe('ticks', (_data, meta) => seen.push(meta.seq)).ready
    server.publish('ticks', 1)
    await settled(client, { server })
    await server.stop()
    await server.start()
    await client.ready()
    await settled(client, { server })
    expect(server.subscribes).toHaveLength(2)
    server.publish('ticks', 2)
    await server.restart()
    await settled(client, { server })
    // The message published before the restart was delivered or replayed once, never twice.
    expect(seen).toEqual([1, 2])
    server.publish('ticks', 3)
    await settled(client, { server })
    expect(seen).toEqual([1, 2, 3])
  })
})

describe('settled', () => {
  it('waits for the outbox to drain and for calls running on the server', async () => {
    const server = await start()
    let release = () => {}
    server.method('slow', () => new Promise<string>((resolve) => {
      release = () => resolve('done')
    }))
    const client = connect(server, { lazy: true })
    client.notify('unknown.notification')
    const call = client.call('slow')
    expect(client.queued).toBe(2)
    client.connect()
    let done = false
    const waiting = settled(client, { server }).then(() => {
      done = true
    })
    await vi.waitFor(() => expect(server.running).toBe(1), patient)
    expect(done).toBe(false)
    release()
    await waiting
    expect(client.queued).toBe(0)
    expect(server.running).toBe(0)
    // The answer reached the client before settled resolved.
    expect(await Promise.race([call, Promise.resolve('not yet')])).toBe('done')
  })

  it('rejects after its timeout, naming what is outstanding', async () => {
    const server = await start()
    server.refuse()
    const client = connect(server, { lazy: true })
    client.notify('never.sent')
    await expect(settled(client, { timeout: 50 })).rejects.toThrow(/not settled after 50 ms: state idle, 1 queued/)
  })
})
