// Property-based fuzzing of the MessagePack decoder, mirroring json-rpc.property.test.ts: random and
// truncated bytes, random MessagePack values, near misses of messages, hostile keys, absurd lengths and
// deep nesting. The decoder throws nothing but ProtocolError, never returns an empty list, accepts only
// what re-encodes to the same messages, and pollutes no prototype. FUZZ_REPORT=1 prints the figures.
import { encode as rawEncode } from '@msgpack/msgpack'
import fc from 'fast-check'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { isProtocolError } from '../../../src/errors'
import { msgpack } from '../../../src/protocol/msgpack'
import type { Decoded, Message } from '../../../src/protocol/protocol'

const dialect = msgpack()
const hostileKeys = ['__proto__', 'constructor', 'prototype']
/** Frames decoded and refused, per property, for the report. */
const figures = new Map<string, { frames: number; accepted: number; refused: number }>()

/** Decodes, and fails the property on any throw that is not a ProtocolError. */
function decodeOrProtocolError(frame: Uint8Array, property: string): Decoded[] | undefined {
  const counts = figures.get(property) ?? { frames: 0, accepted: 0, refused: 0 }
  figures.set(property, counts)
  counts.frames++
  try {
    const messages = dialect.decode(frame)
    counts.accepted++
    return messages
  } catch (err) {
    if (!isProtocolError(err)) throw err
    counts.refused++
    return undefined
  }
}

/** True when a hostile key is an own key anywhere in the value. */
function hasHostileKey(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return false
  return Object.keys(value).some((key) => hostileKeys.includes(key) || hasHostileKey((value as Record<string, unknown>)[key]))
}

/** MessagePack's own values: JSON's, plus bytes, and integers past 32 bits. */
const value = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.jsonValue(),
    fc.uint8Array({ maxLength: 32 }),
    fc.maxSafeInteger(),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.string(), tie('value'), { maxKeys: 5 }),
  ),
})).value
const id = fc.oneof(fc.integer(), fc.string())
const params = fc.option(fc.oneof(fc.array(value, { maxLength: 4 }), fc.dictionary(fc.string(), value, { maxKeys: 4 })), { nil: undefined })
const once = fc.option(fc.tuple(fc.string(), fc.nat()), { nil: undefined })

const message: fc.Arbitrary<Message> = fc.oneof(
  fc.record({ type: fc.constant('request' as const), id, method: fc.string(), params, once }),
  fc.record({ type: fc.constant('notification' as const), method: fc.string(), params, once }),
  fc.record({ type: fc.constant('response' as const), id, result: value }),
  fc.record({
    type: fc.constant('error' as const),
    id: fc.option(id, { nil: null }),
    error: fc.record({ code: fc.integer(), message: fc.string(), data: fc.option(value, { nil: undefined }) }, { requiredKeys: ['code', 'message'] }),
  }),
)

/** Arrays shaped like messages whose members are random: near misses of the real thing. */
const nearMiss = fc.oneof(
  fc.tuple(fc.oneof(fc.constantFrom(0, 1, 2), value), fc.oneof(id, value)),
  fc.tuple(fc.oneof(fc.constantFrom(0, 1, 2), value), fc.oneof(id, value), fc.oneof(fc.string(), params, value)),
  fc.tuple(fc.oneof(fc.constantFrom(0, 1, 2), value), fc.oneof(id, value), fc.oneof(fc.string(), fc.constant(null), value), fc.oneof(params, value)),
  fc.tuple(fc.constantFrom(1), fc.oneof(id, value), fc.oneof(fc.record({ code: fc.oneof(fc.integer(), value), message: fc.oneof(fc.string(), value) }), value), value),
  fc.tuple(fc.constantFrom(0, 1, 2), value, value, value, value, value),
)

/** Any value with hostile keys mixed into its maps (own keys: the encoder writes them as it finds them). */
const hostile = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    value,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.string(), fc.constantFrom(...hostileKeys)), tie('value'), { maxKeys: 4 }),
  ),
})).value

afterEach(() => {
  // A polluted prototype would leak into every later test; fail loudly here instead.
  for (const key of ['polluted', 'method', 'result', 'error', 'id']) expect(Object.prototype).not.toHaveProperty(key)
})

afterAll(() => {
  if (!process.env.FUZZ_REPORT) return
  const rows = [...figures].map(([name, c]) => `${name}: ${c.frames} frames, ${c.accepted} accepted, ${c.refused} refused`)
  console.log(`MessagePack decoder fuzz figures:\n${rows.join('\n')}`)
})

describe('msgpack decode: properties', () => {
  it('throws nothing but ProtocolError for random bytes and truncated frames', () => {
    const truncated = message.map((m) => dialect.encode(m)).chain((bytes) => fc.nat(bytes.length).map((n) => bytes.subarray(0, n)))
    const frames = fc.oneof(fc.uint8Array({ maxLength: 64 }), truncated, fc.uint8Array({ minLength: 1, maxLength: 8 }).map((bytes) => bytes.map((b) => b | 0xc0)))
    fc.assert(fc.property(frames, (frame) => void decodeOrProtocolError(frame, 'random and truncated bytes')), { numRuns: 1000 })
  })

  it('throws nothing but ProtocolError for any MessagePack value, and never returns an empty list', () => {
    fc.assert(fc.property(value, (any) => {
      const messages = decodeOrProtocolError(rawEncode(any), 'random values')
      if (messages) expect(messages.length).toBeGreaterThan(0)
    }), { numRuns: 500 })
  })

  it('accepts a near miss only as a valid message, or as an invalid member of a batch; the valid ones re-encode to the same', () => {
    fc.assert(fc.property(fc.oneof(nearMiss, fc.array(nearMiss, { minLength: 1, maxLength: 4 })), (wire) => {
      const decoded = decodeOrProtocolError(rawEncode(wire), 'near misses')
      if (hasHostileKey(wire)) expect(decoded).toBeUndefined()
      if (!decoded) return
      const messages = decoded.filter((member): member is Message => member.type !== 'invalid')
      // Only a batch (an array of arrays) holds invalid members: a single bad message is refused whole.
      if (messages.length < decoded.length) expect(Array.isArray((wire as unknown[])[0])).toBe(true)
      if (messages.length) expect(dialect.decode(dialect.encode(messages))).toEqual(messages)
    }), { numRuns: 1000 })
  })

  it('rejects every frame with a hostile key and pollutes nothing', () => {
    fc.assert(fc.property(hostile, fc.constantFrom(...hostileKeys), (any, key) => {
      const nested = { nested: [any, Object.defineProperty({}, key, { value: any, enumerable: true })] }
      expect(decodeOrProtocolError(rawEncode([2, 'm', nested]), 'hostile keys')).toBeUndefined()
      expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    }), { numRuns: 300 })
  })

  it('never lets a decoded object carry a prototype-reaching key', () => {
    fc.assert(fc.property(hostile, (any) => {
      expect(decodeOrProtocolError(rawEncode([1, 1, null, any]), 'results with hostile keys maybe') === undefined).toBe(hasHostileKey(any))
    }), { numRuns: 300 })
  })

  it('refuses absurd lengths and deep nesting without allocating for them', () => {
    const header = fc.constantFrom([0xdc, 0xff, 0xff], [0xdd, 0x7f, 0xff, 0xff, 0xff], [0xde, 0xff, 0xff], [0xdf, 0x7f, 0xff, 0xff, 0xff], [0xdb, 0x7f, 0xff, 0xff, 0xff], [0xc6, 0x7f, 0xff, 0xff, 0xff])
    const lies = fc.tuple(fc.array(header, { minLength: 1, maxLength: 3000 }), fc.uint8Array({ maxLength: 16 })).map(([headers, tail]) => new Uint8Array([...headers.flat(), ...tail]))
    const deep = fc.integer({ min: 65, max: 200_000 }).map((depth) => new Uint8Array(depth).fill(0x91))
    fc.assert(fc.property(fc.oneof(lies, deep), (frame) => {
      expect(decodeOrProtocolError(frame, 'absurd lengths and nesting')).toBeUndefined()
    }), { numRuns: 200 })
  })

  it('round-trips every valid message and batch', () => {
    fc.assert(fc.property(fc.oneof(message, fc.array(message, { minLength: 1, maxLength: 5 })), (sent) => {
      fc.pre(!hasHostileKey(sent))
      const list = Array.isArray(sent) ? sent : [sent]
      const decoded = decodeOrProtocolError(dialect.encode(sent), 'valid messages')
      // The decoder writes every optional member; undefined in a map is left out on the wire, like JSON.
      const expected = list.map((m) => dialect.decode(dialect.encode(m))[0])
      expect(decoded).toEqual(expected)
      expect(decoded?.map((m) => m.type)).toEqual(list.map((m) => m.type))
    }), { numRuns: 500 })
  })
})
