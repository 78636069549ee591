import { afterEach, describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { isProtocolError } from '../../../src/errors'
import { jsonRpc } from '../../../src/protocol/json-rpc'
import type { Decoded, Message } from '../../../src/protocol/protocol'

const rpc = jsonRpc()
const hostileKeys = ['__proto__', 'constructor', 'prototype']

/** True when a hostile key appears anywhere in the JSON text (JSON.parse keeps `__proto__` as an own key). */
function hasHostileKey(text: string): boolean {
  const walk = (v: unknown): boolean =>
    typeof v === 'object' && v !== null && Object.keys(v).some((k) => hostileKeys.includes(k) || walk((v as Record<string, unknown>)[k]))
  return walk(JSON.parse(text))
}

/** Decodes, and fails the property on any throw that is not a ProtocolError. */
function decodeOrProtocolError(frame: string): Decoded[] | undefined {
  try {
    return rpc.decode(frame)
  } catch (err) {
    if (!isProtocolError(err)) throw err
    return undefined
  }
}

const json = fc.jsonValue()
const id = fc.oneof(fc.integer(), fc.string())
const params = fc.option(fc.oneof(fc.array(json), fc.dictionary(fc.string(), json)), { nil: undefined })
const method = fc.string()

const message: fc.Arbitrary<Message> = fc.oneof(
  fc.record({ type: fc.constant('request' as const), id, method, params }),
  fc.record({ type: fc.constant('notification' as const), method, params }),
  fc.record({ type: fc.constant('response' as const), id, result: json }),
  fc.record({
    type: fc.constant('error' as const),
    id: fc.option(id, { nil: null }),
    error: fc.record({ code: fc.integer(), message: fc.string(), data: fc.option(json, { nil: undefined }) }),
  }),
)

/** Any JSON value with hostile keys mixed into its objects. */
const hostile = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    json,
    fc.array(tie('value')),
    fc.dictionary(fc.oneof(fc.string(), fc.constantFrom(...hostileKeys)), tie('value')),
  ),
})).value

/** Message-shaped objects whose members are random: near misses of the real thing. */
const nearMiss = fc.record(
  {
    jsonrpc: fc.oneof(fc.constant('2.0'), json),
    id: fc.oneof(id, json),
    method: fc.oneof(method, json),
    params: fc.oneof(params, json),
    result: json,
    error: fc.oneof(fc.record({ code: fc.oneof(fc.integer(), json), message: fc.oneof(fc.string(), json) }), json),
  },
  { requiredKeys: [] },
)

afterEach(() => {
  // A polluted prototype would leak into every later test; fail loudly here instead.
  for (const key of ['polluted', 'jsonrpc', 'method', 'result', 'error', 'id']) expect(Object.prototype).not.toHaveProperty(key)
})

describe('jsonRpc decode: properties', () => {
  it('throws nothing but ProtocolError for random strings and truncated JSON', () => {
    const truncated = fc.jsonValue().map((v) => JSON.stringify(v)).chain((text) => fc.nat(text.length).map((n) => text.slice(0, n)))
    // 'binary-ascii', not 'binary': the full-Unicode generator costs seconds to warm up.
    const frames = fc.oneof(fc.string({ unit: 'binary-ascii' }), fc.string(), truncated)
    fc.assert(fc.property(frames, (frame) => void decodeOrProtocolError(frame)), { numRuns: 300 })
  })

  it('throws nothing but ProtocolError for random JSON, and never returns an empty list', () => {
    fc.assert(fc.property(json, (value) => {
      const messages = decodeOrProtocolError(JSON.stringify(value))
      if (messages) expect(messages.length).toBeGreaterThan(0)
    }), { numRuns: 200 })
  })

  it('only accepts near misses that are valid messages', () => {
    fc.assert(fc.property(nearMiss, (value) => {
      const text = JSON.stringify(value)
      const messages = decodeOrProtocolError(text)
      if (hasHostileKey(text)) expect(messages).toBeUndefined()
      // Whatever it accepts must encode back to a frame that decodes to the same messages.
      if (messages) expect(rpc.decode(rpc.encode(messages as Message[]))).toEqual(messages)
    }), { numRuns: 300 })
  })

  it('judges a batch of near misses member by member, each as it would be alone', () => {
    fc.assert(fc.property(fc.array(nearMiss, { minLength: 1, maxLength: 6 }), (batch) => {
      const text = JSON.stringify(batch)
      const members = decodeOrProtocolError(text)
      // A hostile key anywhere refuses the frame whole: the reviver cannot say whose it was.
      if (hasHostileKey(text)) {
        expect(members).toBeUndefined()
        return
      }
      expect(members).toHaveLength(batch.length)
      batch.forEach((member, index) => {
        const alone = decodeOrProtocolError(JSON.stringify(member))
        // The id as it reached the decoder: JSON has no -0, NaN or Infinity (they arrive as 0 and null).
        const id = (JSON.parse(JSON.stringify(member)) as { id?: unknown }).id
        const usableId = typeof id === 'string' || typeof id === 'number' ? id : null
        expect(members![index]).toEqual(alone ? alone[0] : { type: 'invalid', id: usableId })
      })
    }), { numRuns: 300 })
  })

  it('rejects every frame with a hostile key and pollutes nothing', () => {
    fc.assert(fc.property(hostile, fc.constantFrom(...hostileKeys), (value, key) => {
      const frame = JSON.stringify({ jsonrpc: '2.0', method: 'm', params: { nested: [value, { [key]: value }] } })
      expect(decodeOrProtocolError(frame)).toBeUndefined()
      expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    }), { numRuns: 150 })
  })

  it('never lets a decoded object carry a prototype-reaching key', () => {
    fc.assert(fc.property(hostile, (value) => {
      const text = JSON.stringify({ jsonrpc: '2.0', id: 1, result: value })
      expect(decodeOrProtocolError(text) === undefined).toBe(hasHostileKey(text))
    }), { numRuns: 150 })
  })

  it('round-trips every valid message and batch', () => {
    fc.assert(fc.property(fc.oneof(message, fc.array(message, { minLength: 1, maxLength: 5 })), (value) => {
      fc.pre(!hasHostileKey(rpc.encode(value)))
      const list = Array.isArray(value) ? value : [value]
      // JSON has no undefined, and a response with an undefined result is sent as null.
      const expected = JSON.parse(JSON.stringify(list.map((m) => (m.type === 'response' && m.result === undefined ? { ...m, result: null } : m))))
      expect(JSON.parse(JSON.stringify(rpc.decode(rpc.encode(value))))).toEqual(expected)
    }), { numRuns: 200 })
  })
})
