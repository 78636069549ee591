// Methods over raw JSON-RPC frames: results, errors, notifications, batches, limits.
import { describe, expect, it, vi } from 'vitest'
import { jsonRpc, RpcError, type Protocol } from '../../../src/server'
import { deferred, open, start, url } from './helpers'
import { patient } from '../../helpers/wait'

const rpc = (id: number, method: string, params?: unknown) => ({ jsonrpc: '2.0', id, method, params })

describe('methods', () => {
  it('answers a request with the method result, sync or async, and passes params and ctx', async () => {
    const seen: unknown[] = []
    const server = await start({
      methods: {
        add: (params) => (params as number[]).reduce((a, b) => a + b, 0),
        later: async (params) => ({ echo: await Promise.resolve(params) }),
        who: (_params, ctx) => {
          seen.push(ctx)
          return { id: ctx.id, auth: ctx.auth ?? 'none' }
        },
        nothing: () => undefined,
      },
    })
    const p = await open(url(server))
    expect(await p.call('add', [1, 2, 3], 1)).toEqual({ jsonrpc: '2.0', id: 1, result: 6 })
    expect((await p.call('later', { a: 1 }, 2)).result).toEqual({ echo: { a: 1 } })
    const who = await p.call('who', undefined, 3)
    expect(who.result).toEqual({ id: server.clients.keys().next().value, auth: 'none' })
    expect(seen).toHaveLength(1)
    // A missing result would be invalid JSON-RPC: undefined becomes null.
    expect(await p.call('nothing', undefined, 'x' as unknown as number)).toEqual({ jsonrpc: '2.0', id: 'x', result: null })
    expect(server.stats.calls).toBe(4)
  })

  it('keeps code, message and data of a thrown RpcError', async () => {
    const server = await start({ methods: { deny: () => { throw new RpcError(4001, 'No such room', { room: 'x' }) } } })
    const p = await open(url(server))
    expect((await p.call('deny', {}, 1)).error).toEqual({ code: 4001, message: 'No such room', data: { room: 'x' } })
    expect(server.stats.errors).toBe(1)
  })

  it('turns any other failure into -32603 without leaking message or stack, and reports it', async () => {
    const onError = vi.fn()
    const server = await start({
      onError,
      methods: {
        boom: () => { throw new Error('db password is hunter2') },
        reject: () => Promise.reject(new TypeError('secret path /etc/x')),
        bigint: () => 10n,
      },
    })
    const p = await open(url(server))
    for (const [id, method] of [[1, 'boom'], [2, 'reject'], [3, 'bigint']] as const) {
      const reply = await p.call(method, undefined, id)
      expect(reply).toEqual({ jsonrpc: '2.0', id, error: { code: -32603, message: 'Internal error' } })
      expect(JSON.stringify(reply)).not.toMatch(/hunter2|etc|at /)
    }
    expect(onError).toHaveBeenCalledTimes(3)
    expect(onError.mock.calls[0]![0]).toBeInstanceOf(Error)
    expect(onError.mock.calls[0]![1]).toBe([...server.clients.values()][0])
  })

  it('answers an unknown method with -32601 and ignores unknown notifications', async () => {
    const server = await start()
    const p = await open(url(server))
    p.send({ jsonrpc: '2.0', method: 'nope' })
    expect((await p.call('nope', undefined, 1)).error).toEqual({ code: -32601, message: 'Method not found: nope' })
    // A huge name is quoted only in part.
    const long = 'x'.repeat(5000)
    expect((await p.call(long, undefined, 2)).error).toEqual({ code: -32601, message: `Method not found: ${'x'.repeat(100)}…` })
    expect(p.pending).toEqual([])
  })

  it("answers with the dialect's own error codes, and jsonRpc()'s for the codes a dialect leaves out", async () => {
    // A dialect written before the codes table grew: only the two codes the client needs.
    const dialect: Protocol = { ...jsonRpc(), codes: { methodNotFound: 404, internalError: 500 } }
    const server = await start({ protocol: dialect, methods: { boom: () => { throw new Error('x') } } })
    const p = await open(url(server))
    expect((await p.call('nope', undefined, 1)).error).toEqual({ code: 404, message: 'Method not found: nope' })
    expect((await p.call('boom', undefined, 2)).error).toEqual({ code: 500, message: 'Internal error' })
    p.socket.send('not json')
    expect((await p.next()).error).toEqual({ code: -32700, message: 'Parse error' })
    expect((await p.call('rpc.subscribe', { topic: '' }, 3)).error).toEqual({ code: -32602, message: 'Invalid params' })
  })

  it('runs notifications without answering them', async () => {
    const got: unknown[] = []
    const server = await start({ methods: { log: (params) => void got.push(params), fail: () => { throw new Error('x') } } })
    const p = await open(url(server))
    p.send({ jsonrpc: '2.0', method: 'fail' })
    p.send({ jsonrpc: '2.0', method: 'log', params: ['hi'] })
    await vi.waitFor(() => expect(got.length).toBeGreaterThan(0), patient)
    expect(got).toEqual([['hi']])
    expect((await p.call('rpc.ping', undefined, 9)).result).toBe('pong')
    expect(p.pending).toEqual([])
  })

  it('answers a batch with one batch, notifications left out, and a batch of one with an array', async () => {
    const server = await start({ methods: { id: (p) => p, slow: (p) => new Promise((r) => setTimeout(() => r(p), 50)) } })
    const p = await open(url(server))
    p.send([rpc(1, 'slow', ['a']), { jsonrpc: '2.0', method: 'id', params: [] }, rpc(2, 'id', ['b']), rpc(3, 'missing')])
    const batch = await p.next()
    expect(batch).toEqual([
      { jsonrpc: '2.0', id: 1, result: ['a'] },
      { jsonrpc: '2.0', id: 2, result: ['b'] },
      { jsonrpc: '2.0', id: 3, error: { code: -32601, message: 'Method not found: missing' } },
    ])
    p.send([rpc(4, 'id', [4])])
    expect(await p.next()).toEqual([{ jsonrpc: '2.0', id: 4, result: [4] }])
    p.send([{ jsonrpc: '2.0', method: 'id' }])
    expect((await p.call('rpc.ping', undefined, 5)).result).toBe('pong')
  })

  it('queues requests beyond maxInFlight, answers -32000 beyond maxQueued, and runs them again once there is room', async () => {
    const { promise: gate, resolve: release } = deferred()
    const server = await start({ maxInFlight: 2, maxQueued: 1, methods: { wait: () => gate.then(() => 'done') } })
    const p = await open(url(server))
    p.send(rpc(1, 'wait'))
    p.send(rpc(2, 'wait'))
    p.send(rpc(3, 'wait'))
    expect(await p.call('wait', undefined, 4)).toEqual({ jsonrpc: '2.0', id: 4, error: { code: -32000, message: 'Too many requests' } })
    // Pings are not work: they are answered even at the limit.
    expect((await p.call('rpc.ping', undefined, 5)).result).toBe('pong')
    release()
    const answers = [await p.next(), await p.next(), await p.next()].map((f) => f.id).sort()
    expect(answers).toEqual([1, 2, 3])
    expect((await p.call('wait', undefined, 6)).result).toBe('done')
  })

  it('gives each connection its own context, visible in server.clients while connected', async () => {
    const server = await start({ methods: { me: (_p, ctx) => ctx.id } })
    const a = await open(url(server))
    const b = await open(url(server))
    const ida = (await a.call('me', undefined, 1)).result as string
    const idb = (await b.call('me', undefined, 1)).result as string
    expect(ida).not.toBe(idb)
    expect([...server.clients.keys()].sort()).toEqual([ida, idb].sort())
    expect(server.clients.get(ida)?.request.headers.host).toBe(`127.0.0.1:${server.port}`)
    a.socket.close()
    await vi.waitFor(() => expect(server.clients.size).toBe(1), patient)
    expect(server.clients.has(idb)).toBe(true)
    expect(server.stats).toMatchObject({ connections: 1, accepted: 2 })
  })
})
