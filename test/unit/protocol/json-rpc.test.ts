import { describe, expect, it } from 'vitest'
import { isProtocolError, ProtocolError } from '../../../src/errors'
import {
  InternalError, InvalidParams, InvalidRequest, jsonRpc, MethodNotFound, ParseError,
} from '../../../src/protocol/json-rpc'
import type { Message } from '../../../src/protocol/protocol'

const rpc = jsonRpc()

/** The error `fn` throws, asserting it is a ProtocolError. */
function protocolError(fn: () => unknown): ProtocolError {
  try {
    fn()
  } catch (err) {
    expect(isProtocolError(err)).toBe(true)
    return err as ProtocolError
  }
  throw new Error('expected a ProtocolError')
}

describe('jsonRpc: conventions and constants', () => {
  it('uses the rpc.-prefixed method names by default', () => {
    expect(rpc).toMatchObject({ ping: 'rpc.ping', subscribe: 'rpc.subscribe', unsubscribe: 'rpc.unsubscribe', publish: 'rpc.publish' })
  })

  it('lets each convention be renamed', () => {
    const custom = jsonRpc({ ping: 'ping', publish: 'event' })
    expect(custom).toMatchObject({ ping: 'ping', subscribe: 'rpc.subscribe', unsubscribe: 'rpc.unsubscribe', publish: 'event' })
  })

  it('exports the spec error codes', () => {
    expect([ParseError, InvalidRequest, MethodNotFound, InvalidParams, InternalError]).toEqual([-32700, -32600, -32601, -32602, -32603])
  })
})

describe('jsonRpc: encode', () => {
  it('encodes a request, with and without params', () => {
    expect(JSON.parse(rpc.encode({ type: 'request', id: 1, method: 'sum', params: [1, 2] }))).toEqual({ jsonrpc: '2.0', id: 1, method: 'sum', params: [1, 2] })
    expect(JSON.parse(rpc.encode({ type: 'request', id: 'a', method: 'now' }))).toEqual({ jsonrpc: '2.0', id: 'a', method: 'now' })
  })

  it('encodes a notification without an id', () => {
    expect(JSON.parse(rpc.encode({ type: 'notification', method: 'typing', params: { room: 'x' } }))).toEqual({ jsonrpc: '2.0', method: 'typing', params: { room: 'x' } })
  })

  it('encodes a response, turning an undefined result into null so the member survives', () => {
    expect(JSON.parse(rpc.encode({ type: 'response', id: 7, result: { ok: true } }))).toEqual({ jsonrpc: '2.0', id: 7, result: { ok: true } })
    expect(JSON.parse(rpc.encode({ type: 'response', id: 8, result: undefined }))).toEqual({ jsonrpc: '2.0', id: 8, result: null })
    expect(JSON.parse(rpc.encode({ type: 'response', id: 9, result: false }))).toEqual({ jsonrpc: '2.0', id: 9, result: false })
  })

  it('encodes an error, with and without data, and with a null id', () => {
    expect(JSON.parse(rpc.encode({ type: 'error', id: 1, error: { code: -32601, message: 'Method not found' } })))
      .toEqual({ jsonrpc: '2.0', id: 1, error: { code: -32601, message: 'Method not found' } })
    expect(JSON.parse(rpc.encode({ type: 'error', id: null, error: { code: 5, message: 'no', data: [1] } })))
      .toEqual({ jsonrpc: '2.0', id: null, error: { code: 5, message: 'no', data: [1] } })
  })

  it('encodes an array of messages as one batch frame', () => {
    const frame = rpc.encode([
      { type: 'request', id: 1, method: 'a', params: {} },
      { type: 'notification', method: 'b' },
    ])
    expect(JSON.parse(frame)).toEqual([
      { jsonrpc: '2.0', id: 1, method: 'a', params: {} },
      { jsonrpc: '2.0', method: 'b' },
    ])
  })

  it('throws a ProtocolError with the cause for a BigInt', () => {
    const message: Message = { type: 'request', id: 1, method: 'm', params: { n: 1n } }
    const err = protocolError(() => rpc.encode(message))
    expect(err.frame).toBe(message)
    expect(err.cause).toBeInstanceOf(TypeError)
  })

  it('throws a ProtocolError with the cause for a cycle', () => {
    const params: { self?: unknown } = {}
    params.self = params
    const err = protocolError(() => rpc.encode([{ type: 'notification', method: 'm', params }]))
    expect(err.cause).toBeInstanceOf(TypeError)
  })

  it('refuses params that are not structured, as the spec requires', () => {
    for (const params of [1, 'x', true, null]) {
      const err = protocolError(() => rpc.encode({ type: 'request', id: 1, method: 'm', params }))
      expect(err.message).toMatch(/JSON-RPC params must be an object or an array/)
    }
  })
})

describe('jsonRpc: decode', () => {
  it('decodes every message kind', () => {
    expect(rpc.decode('{"jsonrpc":"2.0","id":1,"method":"a","params":[1]}')).toEqual([{ type: 'request', id: 1, method: 'a', params: [1] }])
    expect(rpc.decode('{"jsonrpc":"2.0","id":"x","method":"a"}')).toEqual([{ type: 'request', id: 'x', method: 'a' }])
    expect(rpc.decode('{"jsonrpc":"2.0","method":"n","params":{"a":1}}')).toEqual([{ type: 'notification', method: 'n', params: { a: 1 } }])
    expect(rpc.decode('{"jsonrpc":"2.0","id":2,"result":null}')).toEqual([{ type: 'response', id: 2, result: null }])
    expect(rpc.decode('{"jsonrpc":"2.0","id":3,"error":{"code":-1,"message":"m","data":{"d":1}}}'))
      .toEqual([{ type: 'error', id: 3, error: { code: -1, message: 'm', data: { d: 1 } } }])
    expect(rpc.decode('{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}'))
      .toEqual([{ type: 'error', id: null, error: { code: -32700, message: 'Parse error' } }])
  })

  it('decodes a batch into its messages, in order', () => {
    const frame = '[{"jsonrpc":"2.0","id":1,"result":1},{"jsonrpc":"2.0","method":"e"},{"jsonrpc":"2.0","id":2,"error":{"code":1,"message":"x"}}]'
    expect(rpc.decode(frame).map((m) => m.type)).toEqual(['response', 'notification', 'error'])
  })

  it('decodes a request with a null id (legal, discouraged), and a response carrying it back', () => {
    expect(rpc.decode('{"jsonrpc":"2.0","id":null,"method":"a"}')).toEqual([{ type: 'request', id: null, method: 'a' }])
    expect(rpc.decode('{"jsonrpc":"2.0","id":null,"result":1}')).toEqual([{ type: 'response', id: null, result: 1 }])
  })

  it('judges a batch member by member: a bad member becomes invalid in its place, the others decode', () => {
    expect(rpc.decode('[{"jsonrpc":"2.0","method":"a"},{"jsonrpc":"1.0","method":"b","id":4},1,[{"jsonrpc":"2.0","method":"c"}],{"jsonrpc":"2.0","id":"x","result":2}]')).toEqual([
      { type: 'notification', method: 'a' },
      { type: 'invalid', id: 4 },
      { type: 'invalid', id: null },
      { type: 'invalid', id: null },
      { type: 'response', id: 'x', result: 2 },
    ])
    // Every member bad: still one invalid member each (the server answers each with -32600).
    expect(rpc.decode('[1,2,3]')).toEqual([{ type: 'invalid', id: null }, { type: 'invalid', id: null }, { type: 'invalid', id: null }])
  })

  it('ignores members the spec does not define', () => {
    expect(rpc.decode('{"jsonrpc":"2.0","id":1,"result":1,"extra":true}')).toEqual([{ type: 'response', id: 1, result: 1 }])
  })

  it('carries lifeline\'s once key on requests and notifications, both ways', () => {
    const keyed: Message[] = [
      { type: 'request', id: 1, method: 'a', params: [1], once: ['tab-1', 7] },
      { type: 'notification', method: 'n', params: [2], once: ['tab-1', 8] },
    ]
    expect(rpc.encode(keyed[0]!)).toBe('{"jsonrpc":"2.0","id":1,"method":"a","params":[1],"once":["tab-1",7]}')
    expect(rpc.encode(keyed[1]!)).toBe('{"jsonrpc":"2.0","method":"n","params":[2],"once":["tab-1",8]}')
    expect(rpc.decode(rpc.encode(keyed))).toEqual(keyed)
    // Without a key nothing is written for it.
    expect(rpc.encode({ type: 'notification', method: 'n' })).toBe('{"jsonrpc":"2.0","method":"n"}')
    // Copied as sent: only a server acts on a key, and lifeline-ws/server checks it (keyed.test.ts).
    expect(rpc.decode('{"jsonrpc":"2.0","method":"n","once":"t:1"}')).toEqual([{ type: 'notification', method: 'n', once: 't:1' }])
  })

  const malformed: [string, string][] = [
    ['not JSON', '{"jsonrpc":'],
    ['empty frame', ''],
    ['a bare value', '42'],
    ['null', 'null'],
    ['a string', '"hi"'],
    ['an empty batch', '[]'],
    ['no version', '{"id":1,"method":"a"}'],
    ['version 1.0', '{"jsonrpc":"1.0","id":1,"method":"a"}'],
    ['a numeric version', '{"jsonrpc":2,"id":1,"method":"a"}'],
    ['a method that is not a string', '{"jsonrpc":"2.0","id":1,"method":5}'],
    ['primitive params', '{"jsonrpc":"2.0","id":1,"method":"a","params":5}'],
    ['null params', '{"jsonrpc":"2.0","method":"a","params":null}'],
    ['a request with an object id', '{"jsonrpc":"2.0","id":{},"method":"a"}'],
    ['a response without an id', '{"jsonrpc":"2.0","result":1}'],
    ['a response with a boolean id', '{"jsonrpc":"2.0","id":true,"result":1}'],
    ['both result and error', '{"jsonrpc":"2.0","id":1,"result":1,"error":{"code":1,"message":"m"}}'],
    ['neither result nor error', '{"jsonrpc":"2.0","id":1}'],
    ['an error that is not an object', '{"jsonrpc":"2.0","id":1,"error":"bad"}'],
    ['an error code that is not an integer', '{"jsonrpc":"2.0","id":1,"error":{"code":1.5,"message":"m"}}'],
    ['an error code that is a string', '{"jsonrpc":"2.0","id":1,"error":{"code":"1","message":"m"}}'],
    ['an error without a message', '{"jsonrpc":"2.0","id":1,"error":{"code":1}}'],
    ['an error without an id', '{"jsonrpc":"2.0","error":{"code":1,"message":"m"}}'],
  ]
  it.each(malformed)('throws a ProtocolError carrying the frame for %s', (_, frame) => {
    expect(protocolError(() => rpc.decode(frame)).frame).toBe(frame)
  })

  it('gives a SyntaxError cause only when the frame is not JSON', () => {
    expect(protocolError(() => rpc.decode('{')).cause).toBeInstanceOf(SyntaxError)
    expect(protocolError(() => rpc.decode('{}')).cause).not.toBeInstanceOf(SyntaxError)
  })

  it('throws a ProtocolError for frames that are not strings', () => {
    for (const frame of [undefined, 42, {}, new ArrayBuffer(2)]) protocolError(() => rpc.decode(frame as never))
  })

  it.each([
    '{"jsonrpc":"2.0","method":"a","params":{"__proto__":{"polluted":1}}}',
    '{"jsonrpc":"2.0","id":1,"result":{"a":[{"constructor":{"prototype":{"polluted":1}}}]}}',
    '{"__proto__":{"polluted":1},"jsonrpc":"2.0","method":"a"}',
    '[{"jsonrpc":"2.0","method":"a"},{"jsonrpc":"2.0","method":"b","params":[{"prototype":1}]}]',
    // Spelled with escapes, which the fast path's text check cannot see through.
    '{"jsonrpc":"2.0","method":"a","params":{"\\u005f_proto__":{"polluted":1}}}',
    '{"jsonrpc":"2.0","method":"a","params":{"constructo\\u0072":{"prototype":{"polluted":1}}}}',
    // Whitespace between the key and the colon.
    '{"jsonrpc":"2.0","method":"a","params":{"__proto__" \n : {"polluted":1}}}',
  ])('rejects a hostile key anywhere in %s, and pollutes nothing', (frame) => {
    expect(protocolError(() => rpc.decode(frame)).frame).toBe(frame)
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined()
  })

  it('accepts the hostile words as values', () => {
    expect(rpc.decode('{"jsonrpc":"2.0","method":"constructor","params":["__proto__"]}')).toEqual([
      { type: 'notification', method: 'constructor', params: ['__proto__'] },
    ])
  })
})
