// What the ws transport keeps of an upgrade: header strings shared between connections through a
// bounded table that never holds credentials, and the request revived from them for `ctx.request`,
// on a node with `_addHeaderLine` and on one without. (Which copy of a string a connection keeps cannot be
// seen from JavaScript; the heap it saves is measured by `npm run bench -- capacity`.)
import { IncomingMessage } from 'node:http'
import { Socket } from 'node:net'
import { describe, expect, it, vi } from 'vitest'
import { HeaderStrings, KeptRequest } from '../../../src/server/transport/kept-request'

describe('HeaderStrings', () => {
  it('holds one entry per distinct name or value, and leaves the headers as they were', () => {
    const strings = new HeaderStrings()
    const first = ['Host', 'example.com', 'Upgrade', 'websocket']
    const second = ['Host', 'example.com', 'Upgrade', 'websocket', 'User-Agent', 'test']
    strings.share(first)
    strings.share(second)
    expect(strings.size).toBe(6)
    expect(second).toEqual(['Host', 'example.com', 'Upgrade', 'websocket', 'User-Agent', 'test'])
  })

  it('keeps no credential or handshake key, whatever the case of its name', () => {
    const strings = new HeaderStrings()
    const raw = ['Cookie', 'sid=1', 'Sec-WebSocket-Key', 'k1', 'AUTHORIZATION', 'Bearer t', 'sec-websocket-protocol', 'token']
    strings.share(raw)
    // Only the four names went in.
    expect(strings.size).toBe(4)
    expect(raw).toEqual(['Cookie', 'sid=1', 'Sec-WebSocket-Key', 'k1', 'AUTHORIZATION', 'Bearer t', 'sec-websocket-protocol', 'token'])
  })

  it('starts over when full, so it never holds more than its limit', () => {
    const strings = new HeaderStrings(3)
    for (let i = 0; i < 100; i++) {
      strings.share([`X-Name-${i}`, `value ${i}`])
      expect(strings.size).toBeLessThanOrEqual(3)
    }
    expect(strings.size).toBeGreaterThan(0)
  })

  it('keeps no string longer than 256 characters', () => {
    const strings = new HeaderStrings()
    strings.share(['X-Long', 'x'.repeat(257)])
    expect(strings.size).toBe(1)
  })
})

/** An upgrade request as node's parser leaves it: duplicates folded by node's own rules. */
function upgradeRequest(): IncomingMessage {
  const request = new IncomingMessage(new Socket())
  request.url = '/ws?room=1'
  request.method = 'GET'
  request.httpVersionMajor = 1
  request.httpVersionMinor = 1
  request.rawHeaders = ['Host', 'example.com', 'X-Tag', 'a', 'x-tag', 'b', 'Set-Cookie', 'one=1', 'Set-Cookie', 'two=2', 'Upgrade', 'websocket']
  request.headers = { host: 'example.com', 'x-tag': 'a, b', 'set-cookie': ['one=1', 'two=2'], upgrade: 'websocket' }
  return request
}

describe('KeptRequest', () => {
  it('revives the request with node\'s headers, built again from rawHeaders', () => {
    const revived = new KeptRequest(upgradeRequest(), new HeaderStrings()).revive()
    expect(revived).toBeInstanceOf(IncomingMessage)
    expect(revived).toMatchObject({ url: '/ws?room=1', method: 'GET', httpVersion: '1.1', upgrade: true, complete: true })
    expect(revived.headers).toEqual(upgradeRequest().headers)
  })

  it('keeps node\'s headers object where node has no _addHeaderLine to build it again', async () => {
    const prototype = IncomingMessage.prototype as unknown as { _addHeaderLine?: unknown }
    const addHeaderLine = prototype._addHeaderLine
    expect(addHeaderLine).toBeTypeOf('function')
    vi.resetModules()
    delete prototype._addHeaderLine
    let revived: IncomingMessage
    try {
      // The module reads _addHeaderLine once, when it loads.
      const { KeptRequest: Fallback, HeaderStrings: Strings } = await import('../../../src/server/transport/kept-request')
      const request = upgradeRequest()
      revived = new Fallback(request, new Strings()).revive()
      expect(revived.headers).toBe(request.headers)
    } finally {
      prototype._addHeaderLine = addHeaderLine
      vi.resetModules()
    }
    expect(revived.headers).toEqual(upgradeRequest().headers)
    expect(revived.httpVersion).toBe('1.1')
  })
})
