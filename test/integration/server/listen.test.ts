// The three ways to listen: own port, an existing http server, and manual upgrades (noServer).
import { describe, expect, it } from 'vitest'
import { createServer as createHttpServer, get, type Server as HttpServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createServer } from '../../../src/server'
import { cleanup, open, refusedWith, start, track, url } from './helpers'
import { flush } from '../../helpers/flush'

function httpServer(): HttpServer {
  const h = createHttpServer((_req, res) => res.end('page'))
  cleanup(() => new Promise((resolve) => {
    h.closeAllConnections()
    h.close(resolve)
  }))
  return h
}
const listen = (h: HttpServer) => new Promise<number>((r) => h.listen(0, '127.0.0.1', () => r((h.address() as AddressInfo).port)))
const fetchText = (port: number, path: string) =>
  new Promise<[number, string]>((resolve, reject) => {
    get({ host: '127.0.0.1', port, path }, (res) => {
      let body = ''
      res.on('data', (chunk) => {
        body += String(chunk)
      })
      res.on('end', () => resolve([res.statusCode ?? 0, body]))
    }).on('error', reject)
  })

describe('listening', () => {
  it('on its own port: answers plain HTTP with 426 and other paths with 404', async () => {
    const server = await start({ path: '/ws' })
    expect(server.address()).toMatchObject({ address: '127.0.0.1', port: server.port })
    expect(await fetchText(server.port!, '/')).toEqual([426, 'Upgrade Required'])
    expect(await refusedWith(url(server, '/other'))).toBe(404)
    const p = await open(url(server, '/ws?token=1'))
    expect((await p.call('rpc.ping', undefined, 1)).result).toBe('pong')
  })

  it('on an existing http server: shares it by path with its pages and another lifeline server', async () => {
    const h = httpServer()
    const chat = track(createServer({ server: h, path: '/chat', methods: { name: () => 'chat' } }))
    const feed = track(createServer({ server: h, path: '/feed', methods: { name: () => 'feed' } }))
    let resolved = false
    void chat.ready.then(() => {
      resolved = true
    })
    // A turn of the event loop, and still not ready: it waits for the owner's listen().
    await flush()
    expect(resolved).toBe(false)
    const port = await listen(h)
    await chat.ready
    await feed.ready
    expect(chat.port).toBe(port)
    expect(await fetchText(port, '/')).toEqual([200, 'page'])
    const a = await open(`ws://127.0.0.1:${port}/chat`)
    const b = await open(`ws://127.0.0.1:${port}/feed`)
    expect((await a.call('name', undefined, 1)).result).toBe('chat')
    expect((await b.call('name', undefined, 1)).result).toBe('feed')
    // Closing a lifeline server leaves the http server and the other lifeline server running.
    await chat.close()
    expect(h.listening).toBe(true)
    expect((await b.call('name', undefined, 2)).result).toBe('feed')
    expect(await refusedWith(`ws://127.0.0.1:${port}/chat`)).toBe(404)
  })

  it('with noServer: handleUpgrade takes the sockets of its path and leaves the rest', async () => {
    const h = httpServer()
    const server = track(createServer({ noServer: true, path: '/rpc', methods: { hi: () => 'hello' } }))
    const leftOver: string[] = []
    h.on('upgrade', (req, socket, head) => {
      if (!server.handleUpgrade(req, socket, head)) {
        leftOver.push(req.url ?? '')
        socket.destroy()
      }
    })
    const port = await listen(h)
    await server.ready
    expect(server.port).toBeUndefined()
    const p = await open(`ws://127.0.0.1:${port}/rpc`)
    expect((await p.call('hi', undefined, 1)).result).toBe('hello')
    await expect(open(`ws://127.0.0.1:${port}/elsewhere`)).rejects.toThrow()
    expect(leftOver).toEqual(['/elsewhere'])
    expect(server.stats.accepted).toBe(1)
  })
})
