// What a hostile or foreign peer can do: wrong origins, no credentials, oversize and malformed
// frames, prototype-shaped names and params. None of it may crash the server or leak.
import { connect } from 'node:net'
import { describe, expect, it, vi } from 'vitest'
import { createServer } from '../../../src/server'
import { open, peer, refusedWith, start, track, url } from './helpers'
import { patient } from '../../helpers/wait'

describe('origin check at the upgrade', () => {
  it('refuses a foreign origin with 403 and allows same-origin pages and non-browser clients', async () => {
    const server = await start()
    expect(await refusedWith(url(server), { origin: 'https://evil.example' })).toBe(403)
    expect(await refusedWith(url(server), { origin: 'null' })).toBe(403)
    expect(await refusedWith(url(server), { origin: 'not a url' })).toBe(403)
    await open(url(server), { origin: `http://127.0.0.1:${server.port}` })
    await open(url(server))
    expect(server.stats).toMatchObject({ rejected: 3, accepted: 2 })
  })

  it('allows listed origins (case-insensitive), any with "*", or what a function says', async () => {
    const listed = await start({ allowedOrigins: ['https://app.example'] })
    await open(url(listed), { origin: 'https://APP.example' })
    expect(await refusedWith(url(listed), { origin: 'https://app.example.evil' })).toBe(403)
    const any = await start({ allowedOrigins: '*' })
    await open(url(any), { origin: 'https://anything.example' })
    const fn = vi.fn((origin: string) => origin.endsWith('.good.example'))
    const decided = await start({ allowedOrigins: fn })
    await open(url(decided), { origin: 'https://a.good.example' })
    expect(await refusedWith(url(decided), { origin: 'https://bad.example' })).toBe(403)
    expect(fn.mock.calls.map((c) => c[0])).toEqual(['https://a.good.example', 'https://bad.example'])
  })

  it('reports a refused origin once per origin, with the allowedOrigins hint', async () => {
    const onError = vi.fn()
    const server = await start({ onError, allowedOrigins: ['https://app.example'] })
    expect(await refusedWith(url(server), { origin: 'http://localhost:8081' })).toBe(403)
    expect(await refusedWith(url(server), { origin: 'http://localhost:8081' })).toBe(403)
    expect(await refusedWith(url(server), { origin: 'https://other.example' })).toBe(403)
    const messages = onError.mock.calls.map(([error]) => (error as Error).message)
    expect(messages).toEqual([
      'lifeline-ws/server: refused upgrade from origin http://localhost:8081; add it to allowedOrigins',
      'lifeline-ws/server: refused upgrade from origin https://other.example; add it to allowedOrigins',
    ])
    const decided = await start({ onError, allowedOrigins: () => false })
    expect(await refusedWith(url(decided), { origin: 'https://bad.example' })).toBe(403)
    expect((onError.mock.calls.at(-1)![0] as Error).message).toBe(
      'lifeline-ws/server: refused upgrade from origin https://bad.example; your allowedOrigins function refused it',
    )
  })
})

describe('the default onError', () => {
  // Before: "lifeline-ws/server: Error: lifeline-ws/server: refused upgrade…" and a 7-line stack.
  it('logs a refused origin as one line, with the prefix once and no stack', async () => {
    const print = vi.spyOn(console, 'error').mockImplementation(() => {})
    try {
      // No onError: the default logger.
      const server = track(createServer({ port: 0, host: '127.0.0.1' }))
      await server.ready
      expect(await refusedWith(url(server), { origin: 'https://evil.example' })).toBe(403)
      expect(print.mock.calls).toEqual([['lifeline-ws/server: refused upgrade from origin https://evil.example; add it to allowedOrigins']])
    } finally {
      print.mockRestore()
    }
  })
})

describe('a client cannot take the server down through its Origin header', () => {
  // Before: a throwing allowedOrigins function (or a string given for an array) threw out of the
  // upgrade listener, an uncaught exception that ended the process.
  it("refuses Origin: null when a realistic allowedOrigins function throws on it, reports once, and keeps serving", async () => {
    const onError = vi.fn()
    const server = await start({ onError, allowedOrigins: (origin) => new URL(origin).hostname.endsWith('.example.com') })
    expect(await refusedWith(url(server), { origin: 'null' })).toBe(403)
    expect(await refusedWith(url(server), { origin: 'null' })).toBe(403)
    await open(url(server), { origin: 'https://app.example.com' })
    expect(onError).toHaveBeenCalledTimes(1)
    const [error] = onError.mock.calls[0] as [Error]
    expect(error.message).toBe("lifeline-ws/server: refused upgrade from origin null: allowedOrigins failed (TypeError: Invalid URL)")
    expect(error.cause).toBeInstanceOf(TypeError)
  })

  it('refuses a bad allowedOrigins at createServer, before listening', () => {
    expect(() => createServer({ port: 0, allowedOrigins: 'http://localhost:8081' as never })).toThrow(
      /allowedOrigins must be an array of origins .* \(for one origin, write \['http:\/\/localhost:8081'\]\)/,
    )
    expect(() => createServer({ port: 0, allowedOrigins: ['https://app.example/path'] })).toThrow(/did you mean 'https:\/\/app.example'/)
  })

  it('survives a fuzz of raw Origin headers, listed, any, or decided by a throwing function', async () => {
    const configs = [['https://app.example/'], '*', () => {
      throw new Error('boom')
    }] as const
    const origins = ['null', '', ' ', 'http://', 'https://[::1', 'x'.repeat(4000), 'https://app.example', 'HTTPS://APP.EXAMPLE:443',
      '\u00ff\u00fe', 'https://app.example, https://evil.example', 'file://', 'javascript:alert(1)', '%00', 'https://app.example/']
    for (const allowedOrigins of configs) {
      const server = await start({ allowedOrigins: allowedOrigins as never })
      const statuses = await Promise.all(origins.map((origin) => rawUpgrade(server.port!, origin)))
      // Every request got an HTTP answer (or ws's own 400 for a header it will not parse): no crash, no hang.
      for (const status of statuses) expect([101, 400, 403]).toContain(status)
      await open(url(server))
    }
  })
})

/** A hand-written upgrade request, so that any bytes can stand in the Origin header. */
function rawUpgrade(port: number, origin: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    const timer = setTimeout(() => reject(new Error(`no answer for origin ${JSON.stringify(origin)}`)), 5000)
    socket.on('error', () => {})
    socket.once('data', (data) => {
      clearTimeout(timer)
      socket.destroy()
      resolve(Number(/^HTTP\/1\.1 (\d+)/.exec(data.toString('latin1'))?.[1] ?? 0))
    })
    socket.write(
      Buffer.from(
        `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nOrigin: ${origin}\r\n\r\n`,
        'latin1',
      ),
    )
  })
}

describe('authentication', () => {
  const token = (req: { url?: string | undefined }) => new URL(req.url ?? '', 'http://x').searchParams.get('token')

  it('passes what authenticate returned to methods as ctx.auth', async () => {
    const server = await start({ authenticate: (req) => ({ user: token(req) }), methods: { me: (_p, ctx) => ctx.auth } })
    const p = await open(url(server, '/?token=ann'))
    expect((await p.call('me', undefined, 1)).result).toEqual({ user: 'ann' })
  })

  it("by default accepts, then closes at once with 4401 or 4403 and a reason the browser can read", async () => {
    const onError = vi.fn()
    const server = await start({
      onError,
      authenticate: async (req) => {
        const t = token(req)
        if (t === 'banned') throw Object.assign(new Error('Account suspended'), { status: 403 })
        if (t === 'crash') throw new Error('db down at 10.0.0.3')
        return t === 'good' ? 'user' : null
      },
      methods: { me: () => 'secret' },
    })
    const none = peer(url(server))
    // What a rejected client sends before it hears the close is never run.
    none.socket.on('open', () => none.send({ jsonrpc: '2.0', id: 1, method: 'me' }))
    expect(await none.closed).toEqual({ code: 4401, reason: 'Unauthorized' })
    expect(none.pending).toEqual([])
    expect(await peer(url(server, '/?token=banned')).closed).toEqual({ code: 4403, reason: 'Account suspended' })
    expect(await peer(url(server, '/?token=crash')).closed).toEqual({ code: 4401, reason: 'Unauthorized' })
    expect(onError).toHaveBeenCalledTimes(1)
    await open(url(server, '/?token=good'))
    expect(server.stats).toMatchObject({ rejected: 3, accepted: 1, connections: 1 })
  })

  it("with authRejection: 'http' answers the upgrade with 401 or 403", async () => {
    const server = await start({
      authRejection: 'http',
      authenticate: (req) => {
        if (token(req) === 'banned') throw Object.assign(new Error('no'), { code: 403 })
        return token(req) === 'good' || false
      },
    })
    expect(await refusedWith(url(server))).toBe(401)
    expect(await refusedWith(url(server, '/?token=banned'))).toBe(403)
    await open(url(server, '/?token=good'))
  })

  // Before: a 503 was "any other error", refused for good as 4401 Unauthorized: a client whose
  // identity service was down for a second stopped reconnecting for ever.
  it.each(['close', 'http'] as const)("with authRejection: '%s', answers an authenticate that throws status 503 with HTTP 503, which clients retry", async (authRejection) => {
    const onError = vi.fn()
    let up = false
    const server = await start({
      onError,
      authRejection,
      authenticate: () => {
        if (!up) throw Object.assign(new Error('identity service unreachable'), { status: 503 })
        return 'user'
      },
    })
    expect(await refusedWith(url(server))).toBe(503)
    expect(server.stats).toMatchObject({ rejected: 1, accepted: 0 })
    // A refusal the hook chose is not an error of the server's.
    expect(onError).not.toHaveBeenCalled()
    up = true
    await open(url(server))
  })
})

describe('frames', () => {
  it('closes a connection that sends a frame over maxPayload with 1009, and keeps serving others', async () => {
    const server = await start({ maxPayload: 1024 })
    const other = await open(url(server))
    const p = await open(url(server))
    p.send({ jsonrpc: '2.0', id: 1, method: 'x', params: ['a'.repeat(2000)] })
    expect((await p.closed).code).toBe(1009)
    expect((await other.call('rpc.ping', undefined, 1)).result).toBe('pong')
    expect(server.stats.malformed).toBe(1)
  })

  it('answers malformed frames with -32700 or -32600 and counts them', async () => {
    const server = await start({ methods: { echo: (p) => p } })
    const p = await open(url(server))
    const parse = { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } }
    const invalid = { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'Invalid Request' } }
    const cases: [unknown, unknown][] = [
      ['not json', parse],
      ['{"jsonrpc":"2.0","id":1,"method":', parse],
      ['{}', invalid],
      ['[]', invalid],
      ['42', invalid],
      ['{"jsonrpc":"1.0","id":1,"method":"echo"}', invalid],
      ['{"jsonrpc":"2.0","id":{},"method":"echo"}', invalid],
      ['{"jsonrpc":"2.0","id":1,"method":"echo","params":"str"}', invalid],
      // A batch is judged member by member: the valid one runs, the bad one is answered in its place.
      ['[{"jsonrpc":"2.0","id":1,"method":"echo"}, 5]', [{ jsonrpc: '2.0', id: 1, result: null }, invalid]],
      // A batch of one member (an array nested 200,000 deep), which is no message: an array of one error.
      ['['.repeat(200_000) + ']'.repeat(200_000), [invalid]],
    ]
    for (const [frame, reply] of cases) {
      p.send(frame)
      expect(await p.next()).toEqual(reply)
    }
    p.socket.send(Buffer.from('{"jsonrpc":"2.0","id":1,"method":"echo"}'), { binary: true })
    expect(await p.next()).toEqual(parse)
    expect(server.stats.malformed).toBe(cases.length + 1)
    expect((await p.call('echo', [1], 1)).result).toEqual([1])
  })

  it('closes with 1007 on a text frame that is not UTF-8', async () => {
    const server = await start()
    const p = await open(url(server))
    p.socket.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false })
    expect((await p.closed).code).toBe(1007)
  })
})

describe('hostile payloads are inert', () => {
  it('never resolves prototype members as methods', async () => {
    const server = await start({ methods: { echo: (p) => p } })
    const p = await open(url(server))
    for (const method of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'prototype']) {
      expect((await p.call(method, [], 1)).error).toEqual({ code: -32601, message: `Method not found: ${method}` })
    }
    p.send({ jsonrpc: '2.0', method: 'constructor' })
    p.send({ jsonrpc: '2.0', method: '__proto__' })
    expect((await p.call('rpc.ping', undefined, 2)).result).toBe('pong')
    expect(p.pending).toEqual([])
  })

  it('refuses prototype-polluting params and leaves Object.prototype untouched', async () => {
    const echoed: unknown[] = []
    const server = await start({
      methods: {
        merge: (params) => {
          echoed.push(params)
          return Object.assign({}, params)
        },
      },
    })
    const p = await open(url(server))
    const frames = [
      '{"jsonrpc":"2.0","id":1,"method":"merge","params":{"__proto__":{"polluted":true}}}',
      '{"jsonrpc":"2.0","id":2,"method":"merge","params":{"a":{"constructor":{"prototype":{"polluted":true}}}}}',
      '{"jsonrpc":"2.0","id":3,"method":"rpc.subscribe","params":{"topic":"t","params":{"__proto__":{"polluted":true}}}}',
      '{"jsonrpc":"2.0","id":4,"__proto__":{"polluted":true},"method":"merge"}',
    ]
    for (const frame of frames) {
      p.send(frame)
      expect((await p.next()).error?.code).toBe(-32600)
    }
    expect(echoed).toEqual([])
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.prototype).not.toHaveProperty('polluted')
  })

  it('treats prototype-shaped topics as ordinary names', async () => {
    const server = await start()
    const p = await open(url(server))
    for (const topic of ['__proto__', 'constructor', 'toString']) {
      expect((await p.call('rpc.subscribe', { topic }, 1)).result).toEqual({ seq: null, gap: false, epoch: expect.any(String) })
      expect(server.publish(topic, topic)).toBe(1)
      expect((await p.next()).params).toEqual({ topic, seq: 1, data: topic })
    }
    p.send({ jsonrpc: '2.0', method: 'rpc.unsubscribe', params: { topic: 'hasOwnProperty' } })
    p.send({ jsonrpc: '2.0', method: 'rpc.unsubscribe', params: 'x' })
    p.send({ jsonrpc: '2.0', method: 'rpc.unsubscribe' })
    expect((await p.call('rpc.ping', undefined, 2)).result).toBe('pong')
  })

  it('survives a flood of garbage from many peers at once', async () => {
    const server = await start({ maxPayload: 4096 })
    const garbage = ['', '\u0000', 'null', 'true', '{"jsonrpc":"2.0","method":"rpc.subscribe","params":{"topic":"x","after":1e308}}',
      '{"jsonrpc":"2.0","id":1,"method":"rpc.subscribe","params":{"topic":"x","after":"1"}}', '{"jsonrpc":"2.0","id":1,"result":1}',
      '{"jsonrpc":"2.0","id":1,"method":"rpc.unsubscribe","params":{"topic":{}}}', 'x'.repeat(5000)]
    const peers = await Promise.all(Array.from({ length: 5 }, () => open(url(server))))
    for (const p of peers) for (const g of garbage) p.send(g)
    await vi.waitFor(() => expect(server.stats.malformed).toBeGreaterThanOrEqual(5 * 4), patient)
    const fresh = await open(url(server))
    expect((await fresh.call('rpc.ping', undefined, 1)).result).toBe('pong')
  })
})
