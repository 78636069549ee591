// Server-pushed events, broadcast, server-to-client calls and connection hooks, over raw frames.
import { describe, expect, it, vi } from 'vitest'
import { isConnectionClosedError, isRpcError, isTimeoutError, type Context } from '../../../src/server'
import { open, start, url } from './helpers'
import { patient } from '../../helpers/wait'

/**
 * A raw peer that has sent its first frame. On a server with sessions, a socket's first frame says
 * whether it continues a session, and nothing is written to it before (see the tests below).
 */
async function spoken(address: string) {
  const p = await open(address)
  expect((await p.call('rpc.ping', undefined, 1)).result).toBe('pong')
  return p
}

describe('a socket that has not spoken yet', () => {
  it('gets what is sent to it once its first frame came, in order', async () => {
    const server = await start({ onConnect: (ctx) => ctx.notify('welcome', [0]) })
    const p = await open(url(server))
    await vi.waitFor(() => expect(server.clients.size).toBe(1), patient)
    server.broadcast('tick', [1])
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(p.pending).toEqual([])
    p.send({ jsonrpc: '2.0', method: 'rpc.ping' })
    expect([await p.next(), await p.next()]).toEqual([
      { jsonrpc: '2.0', method: 'welcome', params: [0] },
      { jsonrpc: '2.0', method: 'tick', params: [1] },
    ])
  })

  it('gets it at once from a server without sessions', async () => {
    const server = await start({ sessions: false })
    const p = await open(url(server))
    await vi.waitFor(() => expect(server.clients.size).toBe(1), patient)
    server.broadcast('tick', [1])
    expect(await p.next()).toEqual({ jsonrpc: '2.0', method: 'tick', params: [1] })
  })
})

describe('events and server-to-client calls', () => {
  it('sends ctx.notify to one client and broadcast to all, as plain notifications', async () => {
    const server = await start()
    const a = await spoken(url(server))
    const b = await spoken(url(server))
    await vi.waitFor(() => expect(server.clients.size).toBe(2), patient)
    const [first] = server.clients.values()
    first!.notify('typing', { user: 'ann' })
    server.broadcast('announce', ['hello'])
    server.broadcast('bare')
    const aFrames = [await a.next(), await a.next(), await a.next()]
    const bFrames = [await b.next(), await b.next()]
    expect(aFrames.find((f) => f.method === 'typing') ?? bFrames.find((f) => f.method === 'typing')).toEqual({ jsonrpc: '2.0', method: 'typing', params: { user: 'ann' } })
    for (const frames of [aFrames, bFrames]) {
      expect(frames.filter((f) => f.method !== 'typing')).toEqual([{ jsonrpc: '2.0', method: 'announce', params: ['hello'] }, { jsonrpc: '2.0', method: 'bare' }])
    }
  })

  it('throws from notify or broadcast when the params cannot be sent', async () => {
    const server = await start()
    await open(url(server))
    await vi.waitFor(() => expect(server.clients.size).toBeGreaterThan(0), patient)
    expect(() => server.broadcast('x', 'not an object')).toThrow()
    expect(() => [...server.clients.values()][0]!.notify('x', { n: 1n })).toThrow()
  })

  it('calls the client and resolves with its answer, or rejects with its error', async () => {
    const server = await start()
    const p = await spoken(url(server))
    await vi.waitFor(() => expect(server.clients.size).toBeGreaterThan(0), patient)
    const ctx = [...server.clients.values()][0]!
    const ok = ctx.call('confirm', { q: 'sure?' })
    const request = await p.next()
    expect(request).toMatchObject({ jsonrpc: '2.0', method: 'confirm', params: { q: 'sure?' } })
    p.send({ jsonrpc: '2.0', id: request.id, result: 'yes' })
    expect(await ok).toBe('yes')

    const no = ctx.call('confirm')
    const second = await p.next()
    expect(second.id).not.toBe(request.id)
    p.send({ jsonrpc: '2.0', id: second.id, error: { code: 7, message: 'nope', data: [1] } })
    const err = await no.catch((e: unknown) => e)
    expect(isRpcError(err) && [err.code, err.message, err.data]).toEqual([7, 'nope', [1]])
    // Answers to ids the server never used are ignored.
    p.send({ jsonrpc: '2.0', id: 999, result: 1 })
    p.send({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } })
    expect((await p.call('rpc.ping', undefined, 1)).result).toBe('pong')
  })

  it('rejects a call the client does not answer in time with TimeoutError', async () => {
    const server = await start({ callTimeout: 50 })
    await open(url(server))
    await vi.waitFor(() => expect(server.clients.size).toBeGreaterThan(0), patient)
    const ctx = [...server.clients.values()][0]!
    expect(isTimeoutError(await ctx.call('x').catch((e: unknown) => e))).toBe(true)
    expect(isTimeoutError(await ctx.call('x', undefined, { timeout: 20 }).catch((e: unknown) => e))).toBe(true)
  })

  it('rejects pending calls with ConnectionClosedError when the client leaves, and new ones at once', async () => {
    const server = await start()
    const p = await spoken(url(server))
    await vi.waitFor(() => expect(server.clients.size).toBeGreaterThan(0), patient)
    const ctx = [...server.clients.values()][0]!
    const pending = ctx.call('x').catch((e: unknown) => e)
    await p.next()
    p.socket.terminate()
    expect(isConnectionClosedError(await pending)).toBe(true)
    expect(isConnectionClosedError(await ctx.call('y').catch((e: unknown) => e))).toBe(true)
  })

  it('lets a method call back into its caller', async () => {
    const server = await start({ methods: { ask: async (_p, ctx) => ({ said: await ctx.call('prompt') }) } })
    const p = await open(url(server))
    p.send({ jsonrpc: '2.0', id: 1, method: 'ask' })
    const prompt = await p.next()
    p.send({ jsonrpc: '2.0', id: prompt.id, result: 'hi' })
    expect(await p.next()).toEqual({ jsonrpc: '2.0', id: 1, result: { said: 'hi' } })
  })

  it('closes one client with ctx.close, and calls onConnect and onDisconnect once each', async () => {
    const log: unknown[] = []
    const server = await start({
      onConnect: (ctx) => log.push(['in', ctx.id]),
      onDisconnect: (ctx: Context, code, reason) => log.push(['out', ctx.id, code, reason]),
      methods: { leave: (_p, ctx) => ctx.close(4000, 'bye') },
    })
    const p = await open(url(server))
    await vi.waitFor(() => expect(log.length).toBeGreaterThan(0), patient)
    p.send({ jsonrpc: '2.0', method: 'leave' })
    expect(await p.closed).toEqual({ code: 4000, reason: 'bye' })
    await vi.waitFor(() => expect(log.length).toBe(2), patient)
    const id = (log[0] as string[])[1]
    expect(log).toEqual([['in', id], ['out', id, 4000, 'bye']])
  })

  it('survives hooks that throw, and reports them', async () => {
    const reported: unknown[] = []
    const server = await start({
      onError: (err) => reported.push(err),
      onConnect: () => { throw new Error('hook') },
      onDisconnect: () => { throw new Error('hook 2') },
    })
    const p = await open(url(server))
    expect((await p.call('rpc.ping', undefined, 1)).result).toBe('pong')
    p.socket.close()
    await vi.waitFor(() => expect(reported.length).toBe(2), patient)
    expect(reported.map((e) => (e as Error).message)).toEqual(['hook', 'hook 2'])
  })
})
