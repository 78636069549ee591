// hostile-fuzz.test.ts over MessagePack: property-based fuzzing of inbound frames on lifeline.msgpack
// connections against a real server on loopback: random bytes, truncated and near-miss messages, hostile
// keys, lengths longer than the frame, deep nesting, huge batches and text frames. For every generated
// sequence on a hostile socket: the server answers a ping sent after them, or has closed that socket
// with a documented code; a well-formed MessagePack client on another connection keeps getting correct
// answers; nothing throws out of the server (vitest fails on an uncaught exception).
import { encode as rawEncode } from '@msgpack/msgpack'
import fc from 'fast-check'
import { expect, it } from 'vitest'
import WebSocket from 'ws'
import { hostileRun, type HostileFrame } from './hostile'
import { jsonRpc } from '../../../src/server'
import { msgpack } from '../../../src/protocol/msgpack'
import { start, url } from './helpers'
import { openMsgpack } from './msgpack-peer'

/** Codes the server may close a hostile socket with: 1007 bad UTF-8, 1008 rate limit, 1009 too big, 1002 broken framing. */
const RUNS = 120
const dialect = msgpack()

const anything = fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), fc.double(), fc.string(), fc.uint8Array({ maxLength: 8 }),
  fc.array(fc.jsonValue(), { maxLength: 4 }), fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 4 }))
const methods = fc.oneof(
  fc.constantFrom('echo', 'boom', 'rpc.ping', 'rpc.subscribe', 'rpc.unsubscribe', 'rpc.session', 'rpc.ack', 'rpc.publish'),
  fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'prototype'),
  fc.string(),
  anything,
)
/** Message-shaped arrays, every member possibly of the wrong type, missing or extra. */
const shaped = fc.oneof(
  fc.tuple(fc.constantFrom(0, 1, 2, 3, -1), fc.oneof(fc.integer(), fc.string(), anything), methods, fc.oneof(anything, fc.record({ topic: anything, after: anything }, { requiredKeys: [] }))),
  fc.tuple(fc.constantFrom(2), methods, anything),
  fc.tuple(fc.constantFrom(1), anything, anything, anything),
  fc.array(anything, { maxLength: 7 }),
)
const hostileKeys = fc
  .tuple(fc.constantFrom('__proto__', 'constructor', 'prototype'), fc.jsonValue(), fc.constantFrom('echo', 'rpc.subscribe', 'rpc.session'))
  .map(([key, value, method]) => {
    // A map written by hand: {key: {polluted: true}, topic: 't', value}.
    const keyBytes = new TextEncoder().encode(key)
    const map = [0x83, 0xa0 + keyBytes.length, ...keyBytes, ...rawEncode({ polluted: true }), ...rawEncode('topic'), ...rawEncode('t'), ...rawEncode('value'), ...rawEncode(value)]
    // The request [0, 1, method, map].
    return new Uint8Array([0x94, 0x00, 0x01, ...rawEncode(method), ...map])
  })
const lies = fc
  .tuple(fc.array(fc.constantFrom([0xdc, 0xff, 0xff], [0xdd, 0x7f, 0xff, 0xff, 0xff], [0xdf, 0x7f, 0xff, 0xff, 0xff], [0xdb, 0x7f, 0xff, 0xff, 0xff]), { minLength: 1, maxLength: 2000 }), fc.uint8Array({ maxLength: 8 }))
  .map(([headers, tail]) => new Uint8Array([...headers.flat(), ...tail]))
const nesting = fc.integer({ min: 1, max: 300_000 }).map((depth) => new Uint8Array([0x93, 0x00, 0x01, 0xa4, 0x65, 0x63, 0x68, 0x6f, ...new Array<number>(depth).fill(0x91), 0xc0]))
const batch = fc
  .tuple(fc.integer({ min: 0, max: 20_000 }), fc.constantFrom('echo', 'rpc.ping', 'rpc.subscribe', 'nope'), fc.boolean())
  .map(([size, method, notify]) => rawEncode(Array.from({ length: size }, (_, index) => (notify ? [2, method, { topic: `t${index}` }] : [0, index, method, { topic: `t${index}` }]))))
const frame: fc.Arbitrary<HostileFrame> = fc.oneof(
  fc.uint8Array({ maxLength: 64 }).map((binary) => ({ binary })),
  shaped.map((value) => ({ binary: rawEncode(value) })),
  fc.array(shaped, { maxLength: 20 }).map((value) => ({ binary: rawEncode(value) })),
  shaped.map((value) => rawEncode(value)).chain((bytes) => fc.nat(bytes.length).map((n) => ({ binary: bytes.subarray(0, n) }))),
  hostileKeys.map((binary) => ({ binary })),
  { arbitrary: lies.map((binary) => ({ binary })), weight: 1 },
  { arbitrary: nesting.map((binary) => ({ binary })), weight: 1 },
  { arbitrary: batch.map((binary) => ({ binary })), weight: 1 },
  fc.string().map((text) => ({ text })),
)

/** Resolves with 'pong' when the socket answers a ping with this id, or with its close code. */
function probe(socket: WebSocket, id: string): Promise<'pong' | number> {
  return new Promise((resolve) => {
    socket.on('message', (data: Buffer, isBinary) => {
      if (!isBinary) return
      try {
        if (dialect.decode(data).some((message) => 'id' in message && message.id === id)) resolve('pong')
      } catch {
        // Not an answer of ours.
      }
    })
    socket.on('close', (code) => resolve(code))
    if (socket.readyState === WebSocket.OPEN) socket.send(dialect.encode({ type: 'request', id, method: 'rpc.ping' }))
  })
}

it(`survives ${RUNS} runs of hostile MessagePack frames, and a well-formed client on another connection is unaffected`, async () => {
  const errors: unknown[] = []
  const server = await start({
    protocol: [jsonRpc(), msgpack()],
    onError: (err) => errors.push(err),
    maxPayload: 1_048_576,
    methods: {
      echo: (params) => params,
      boom: () => {
        throw new Error('boom')
      },
    },
  })
  const good = await openMsgpack(url(server))
  let run = 0
  const outcomes = new Map<'pong' | number, number>()
  await fc.assert(
    fc.asyncProperty(fc.array(frame, { minLength: 1, maxLength: 8 }), async (frames) => {
      run++
      const outcome = await hostileRun(url(server), ['lifeline.msgpack'], frames, (hostile) => probe(hostile, `probe-${run}`))
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1)
      const answer = await good.call('echo', { run, nested: [run], bytes: new Uint8Array([run & 0xff]) })
      expect(answer).toMatchObject({ type: 'response', result: { run, nested: [run], bytes: new Uint8Array([run & 0xff]) } })
    }),
    { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED ?? 3007) },
  )
  if (process.env.FUZZ_REPORT) console.log(`MessagePack server fuzz: ${RUNS} runs, outcomes ${JSON.stringify(Object.fromEntries(outcomes))}, malformed frames ${server.stats.malformed}`)
  expect(outcomes.get('pong')).toBeGreaterThan(RUNS / 2)
  expect(server.stats.malformed).toBeGreaterThan(RUNS)
  expect(Object.prototype).not.toHaveProperty('polluted')
  // Only the method that throws on purpose reaches onError, and answers that cannot be encoded.
  for (const err of errors) expect(String(err)).toMatch(/boom|encode|Maximum call stack/)
}, 120_000)
