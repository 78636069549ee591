// What the ws transport keeps of an upgrade: header strings shared between connections through a
// bounded table that never holds credentials. (Which copy of a string a connection keeps cannot be
// seen from JavaScript; the heap it saves is measured by `npm run bench -- capacity`.)
import { describe, expect, it } from 'vitest'
import { HeaderStrings } from '../../../src/server/transport/kept-request'

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
