// ctx.request on Node: the server keeps a light copy of the upgrade request and builds an
// IncomingMessage from it on first read (transport/kept-request.ts). What a handler reads must be
// what `authenticate` saw of the same upgrade.
import { IncomingMessage } from 'node:http'
import { describe, expect, it } from 'vitest'
import type { UpgradeRequest } from '../../../src/server'
import { open, refusedWith, start, url } from './helpers'
import { patient } from '../../helpers/wait'

interface Seen {
  url: string | undefined
  method: string | undefined
  httpVersion: string
  headers: unknown
  rawHeaders: string[]
  remoteAddress: string | undefined
}

const seen = (request: IncomingMessage): Seen => ({
  url: request.url,
  method: request.method,
  httpVersion: request.httpVersion,
  headers: { ...request.headers },
  rawHeaders: [...request.rawHeaders],
  remoteAddress: request.socket.remoteAddress,
})

describe('ctx.request', () => {
  it('is an IncomingMessage with the upgrade\'s URL, method, version, headers and socket, the same object on every read', async () => {
    let atUpgrade: Seen | undefined
    const reads: IncomingMessage[] = []
    const server = await start({
      authenticate: (request: UpgradeRequest) => {
        atUpgrade = seen(request as IncomingMessage)
        return { name: 'ann' }
      },
      methods: {
        request: (_params, ctx) => {
          reads.push(ctx.request)
          return seen(ctx.request)
        },
      },
    })
    // Repeated headers fold by node's rules: joined with ', ', set-cookie stays an array, cookie with '; '.
    // Node's http client writes one header line per array entry; ws's types only say string.
    const headers = { 'X-Tag': ['a', 'b'], 'Set-Cookie': ['c=1', 'd=2'], Cookie: 'e=3', 'User-Agent': 'capacity test' }
    const p = await open(url(server, '/?room=7'), { headers: headers as unknown as Record<string, string> })
    const answer = (await p.call('request', undefined, 1)).result as Seen
    expect(answer).toEqual(atUpgrade)
    expect(answer.url).toBe('/?room=7')
    expect(answer.method).toBe('GET')
    expect(answer.headers).toMatchObject({ 'x-tag': 'a, b', 'set-cookie': ['c=1', 'd=2'], cookie: 'e=3', 'user-agent': 'capacity test' })
    expect(answer.rawHeaders).toEqual(expect.arrayContaining(['X-Tag', 'a', 'X-Tag', 'b', 'User-Agent', 'capacity test']))
    expect(answer.remoteAddress).toBe('127.0.0.1')
    await p.call('request', undefined, 2)
    expect(reads).toHaveLength(2)
    expect(reads[0]).toBeInstanceOf(IncomingMessage)
    expect(reads[1]).toBe(reads[0])
  })

  it('stays readable once its connection closed', async () => {
    const contexts: { request: IncomingMessage }[] = []
    const server = await start({ onConnect: (ctx) => void contexts.push(ctx) })
    const p = await open(url(server, '/late'))
    p.socket.close()
    await p.closed
    await expect.poll(() => server.stats.connections, patient).toBe(0)
    expect(contexts[0]?.request.url).toBe('/late')
    expect(contexts[0]?.request.headers.host).toBe(`127.0.0.1:${server.port}`)
  })

  it('counts an upgraded socket against its address until the socket closes', async () => {
    const server = await start({ maxConnectionsPerAddress: 1 })
    const p = await open(url(server))
    expect(await refusedWith(url(server))).toBe(429)
    p.socket.close()
    await p.closed
    // Released when the WebSocket closes: a new connection from the same address is let in.
    await expect.poll(async () => (await open(url(server))).socket.readyState, patient).toBe(1)
  })
})
