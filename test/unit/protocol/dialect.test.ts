import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import fc from 'fast-check'
import { dialect } from '../../../examples/dialect'
import { createClient, isProtocolError, isRpcError } from '../../../src/index'
import type { Decoded } from '../../../src/protocol/protocol'
import { FakeSocket } from '../../helpers/fake-socket'
import { readFileSync } from 'node:fs'

function rejects(frame: string) {
  let caught: unknown
  try {
    dialect.decode(frame)
  } catch (err) {
    caught = err
  }
  expect(isProtocolError(caught)).toBe(true)
}

describe('examples/dialect: the wire format', () => {
  it('is the code docs/protocol.md shows, under 50 lines', () => {
    const doc = readFileSync(new URL('../../../docs/protocol.md', import.meta.url), 'utf8')
    const shown = /```ts\n(import \{ ProtocolError[\s\S]*?)```/.exec(doc)?.[1]
    const file = readFileSync(new URL('../../../examples/dialect.ts', import.meta.url), 'utf8')
    const body = (code: string) => code.slice(code.indexOf('\n', code.indexOf('import {')))
    expect(shown).toBeDefined()
    expect(body(shown!)).toBe(body(file))
    expect(shown!.trim().split('\n').length).toBeLessThan(50)
  })

  it('encodes without a version field', () => {
    expect(JSON.parse(dialect.encode({ type: 'request', id: 1, method: 'add', params: [2, 3] }))).toEqual({ id: 1, method: 'add', params: [2, 3] })
    expect(JSON.parse(dialect.encode({ type: 'notification', method: 'typing' }))).toEqual({ method: 'typing' })
    expect(JSON.parse(dialect.encode({ type: 'response', id: 'a', result: undefined }))).toEqual({ id: 'a', result: null })
    expect(JSON.parse(dialect.encode({ type: 'error', id: 2, error: { code: 1, message: 'no' } }))).toEqual({ id: 2, error: { code: 1, message: 'no' } })
    expect(JSON.parse(dialect.encode([{ type: 'notification', method: 'a' }, { type: 'request', id: 3, method: 'b' }])))
      .toEqual([{ method: 'a' }, { id: 3, method: 'b' }])
  })

  it('throws a ProtocolError for values JSON cannot hold', () => {
    expect(() => dialect.encode({ type: 'request', id: 1, method: 'm', params: { n: 1n } })).toThrow(expect.objectContaining({ name: 'ProtocolError' }))
  })

  it('decodes requests, events, results, errors and batches', () => {
    expect(dialect.decode('{"id":1,"method":"version"}')).toEqual([{ type: 'request', id: 1, method: 'version' }])
    expect(dialect.decode('{"method":"chat","params":{"text":"hi"}}')).toEqual([{ type: 'notification', method: 'chat', params: { text: 'hi' } }])
    expect(dialect.decode('{"id":"x","result":[1]}')).toEqual([{ type: 'response', id: 'x', result: [1] }])
    expect(dialect.decode('{"id":2,"error":{"code":403,"message":"no","data":1}}')).toEqual([{ type: 'error', id: 2, error: { code: 403, message: 'no', data: 1 } }])
    expect(dialect.decode('{"error":{"code":-1,"message":"bad"}}')).toMatchObject([{ type: 'error', id: null }])
    expect(dialect.decode('[{"id":1,"result":1},{"method":"e"}]').map((m) => m.type)).toEqual(['response', 'notification'])
  })

  it('judges a batch member by member: a bad member is invalid in its place, with its id when it has one', () => {
    expect(dialect.decode('[{"method":"e"},5,{"id":7,"method":3},{"id":2,"result":0}]')).toEqual([
      { type: 'notification', method: 'e' },
      { type: 'invalid', id: null },
      { type: 'invalid', id: 7 },
      { type: 'response', id: 2, result: 0 },
    ])
  })

  it.each(['nope', '[]', '5', 'null', '{}', '{"id":{},"method":"m"}', '{"id":true,"result":1}', '{"id":1,"error":{"code":"1","message":"m"}}',
    '{"method":"m","params":{"__proto__":{"x":1}}}', '[{"method":"m"},{"constructor":1}]'])('rejects %s', (frame) => {
    rejects(frame)
    expect(({} as { x?: unknown }).x).toBeUndefined()
  })

  it('throws nothing but ProtocolError for any JSON', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => {
      try {
        const messages: Decoded[] = dialect.decode(JSON.stringify(value))
        expect(messages.length).toBeGreaterThan(0)
      } catch (err) {
        expect(isProtocolError(err)).toBe(true)
      }
    }), { numRuns: 300 })
  })
})

describe('examples/dialect: plugged into a client', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    FakeSocket.reset()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('calls, listens and subscribes in the dialect', async () => {
    const client = createClient('ws://dialect.test', { WebSocket: FakeSocket.ctor, protocol: dialect, heartbeat: false })
    const errors: unknown[] = []
    client.on('error', (err) => errors.push(err))
    await vi.advanceTimersByTimeAsync(0)
    const socket = FakeSocket.last
    socket.accept()

    const result = client.call('add', [2, 3])
    const request = JSON.parse(String(socket.sent.at(-1))) as { id: number; method: string }
    expect(request).toEqual({ id: request.id, method: 'add', params: [2, 3] })
    socket.receive(JSON.stringify({ id: request.id, result: 5 }))
    expect(await result).toBe(5)

    const denied = client.call('admin', {})
    socket.receive(JSON.stringify({ id: (JSON.parse(String(socket.sent.at(-1))) as { id: number }).id, error: { code: 403, message: 'no' } }))
    const err = await denied.catch((e: unknown) => e)
    expect(isRpcError(err) && err.code).toBe(403)

    const chat = vi.fn()
    client.listen('chat', chat)
    socket.receive(JSON.stringify({ method: 'chat', params: { text: 'hi' } }))
    expect(chat).toHaveBeenCalledWith({ text: 'hi' })

    const prices = vi.fn()
    client.subscribe('prices', prices)
    const sub = JSON.parse(String(socket.sent.at(-1))) as { id: number; method: string; params: unknown }
    expect(sub).toMatchObject({ method: 'subscribe', params: { topic: 'prices' } })
    socket.receive(JSON.stringify({ id: sub.id, result: { seq: 0 } }))
    socket.receive(JSON.stringify({ method: 'publish', params: { topic: 'prices', seq: 1, data: 101 } }))
    expect(prices).toHaveBeenCalledWith(101, { topic: 'prices', seq: 1 })

    expect(errors).toEqual([])
    client.close()
  })
})
