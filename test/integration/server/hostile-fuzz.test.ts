// Property-based fuzzing of inbound frames against a real server on loopback: malformed JSON,
// wrong types, deep nesting, huge batches, hostile keys, binary and broken UTF-8. For every
// generated sequence of frames on a hostile socket: the server answers a ping sent after them, or
// has closed that socket with a documented code; a well-formed client on another connection
// keeps getting correct answers; nothing throws out of the server (vitest fails on an uncaught
// exception or unhandled rejection).
import fc from 'fast-check'
import { expect, it } from 'vitest'
import WebSocket from 'ws'
import { hostileRun, type HostileFrame } from './hostile'
import { open, start, url } from './helpers'

/** Codes the server may close a hostile socket with: 1007 bad UTF-8, 1008 rate limit, 1009 too big, 1002 broken framing. */
const RUNS = 150

const anything = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.string(),
  fc.array(fc.jsonValue(), { maxLength: 4 }),
  fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 4 }),
)
const methods = fc.oneof(
  fc.constantFrom('echo', 'slow', 'boom', 'rpc.ping', 'rpc.subscribe', 'rpc.unsubscribe', 'rpc.session', 'rpc.ack', 'rpc.publish'),
  fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'prototype', 'valueOf'),
  fc.string(),
  anything,
)
/** JSON-RPC-shaped objects, every member possibly of the wrong type or missing. */
const shaped = fc.record(
  {
    jsonrpc: fc.oneof(fc.constant('2.0'), anything),
    id: fc.oneof(fc.integer(), fc.string(), fc.constant(null), anything),
    method: methods,
    params: fc.oneof(
      anything,
      fc.record({ topic: fc.oneof(fc.string(), anything), after: fc.oneof(fc.integer(), anything) }, { requiredKeys: [] }),
      fc.record({ id: anything, received: anything }, { requiredKeys: [] }),
    ),
    result: anything,
    error: fc.oneof(anything, fc.record({ code: anything, message: anything })),
  },
  { requiredKeys: [] },
)
const hostileKeys = fc
  .tuple(fc.constantFrom('__proto__', 'constructor', 'prototype'), fc.jsonValue(), fc.constantFrom('echo', 'rpc.subscribe', 'rpc.session'))
  .map(([key, value, method]) => `{"jsonrpc":"2.0","id":1,"method":"${method}","params":{"${key}":${JSON.stringify(value)},"topic":"t"},"${key}":{"polluted":true}}`)
const nesting = fc
  .tuple(fc.integer({ min: 1, max: 300_000 }), fc.constantFrom('[', '{"a":'))
  .map(([depth, open]) => (open === '[' ? open.repeat(depth) + ']'.repeat(depth) : `${open.repeat(depth)}1${'}'.repeat(depth)}`))
const batch = fc
  .tuple(fc.integer({ min: 0, max: 20_000 }), fc.constantFrom('echo', 'rpc.ping', 'rpc.subscribe', 'nope'), fc.boolean())
  .map(([size, method, notify]) =>
    JSON.stringify(Array.from({ length: size }, (_, index) => ({ jsonrpc: '2.0', ...(notify ? {} : { id: index }), method, params: { topic: `t${index}` } }))),
  )
/** Deeply nested params echoed back: the answer must be encoded, or fail as an internal error. */
const deepEcho = fc
  .integer({ min: 1, max: 200_000 })
  .map((depth) => `{"jsonrpc":"2.0","id":"deep","method":"echo","params":${'['.repeat(depth)}${']'.repeat(depth)}}`)
const frame: fc.Arbitrary<HostileFrame> = fc.oneof(
  fc.string({ unit: 'binary' }).map((text) => ({ text })),
  fc.jsonValue().map((value) => ({ text: JSON.stringify(value) })),
  shaped.map((value) => ({ text: JSON.stringify(value) })),
  fc.array(shaped, { maxLength: 20 }).map((value) => ({ text: JSON.stringify(value) })),
  hostileKeys.map((text) => ({ text })),
  { arbitrary: nesting.map((text) => ({ text })), weight: 1 },
  { arbitrary: deepEcho.map((text) => ({ text })), weight: 1 },
  { arbitrary: batch.map((text) => ({ text })), weight: 1 },
  fc.uint8Array({ maxLength: 64 }).map((bytes) => ({ binary: Buffer.from(bytes) })),
)

/** Resolves with 'pong' when the socket answers a ping with this id, or with its close code. */
function probe(socket: WebSocket, id: string): Promise<'pong' | number> {
  return new Promise((resolve) => {
    socket.on('message', (data) => {
      if (String(data).includes(`"id":"${id}"`)) resolve('pong')
    })
    socket.on('close', (code) => resolve(code))
    if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ jsonrpc: '2.0', id, method: 'rpc.ping' }))
  })
}

it(`survives ${RUNS} runs of hostile frames, and a well-formed client on another connection is unaffected`, async () => {
  const errors: unknown[] = []
  const server = await start({
    onError: (err) => errors.push(err),
    maxPayload: 1_048_576,
    methods: {
      echo: (params) => params,
      slow: () => new Promise((resolve) => setTimeout(resolve, 5)),
      boom: () => {
        throw new Error('boom')
      },
    },
  })
  const good = await open(url(server))
  let run = 0
  const outcomes = new Map<'pong' | number, number>()
  await fc.assert(
    fc.asyncProperty(fc.array(frame, { minLength: 1, maxLength: 8 }), async (frames) => {
      run++
      const outcome = await hostileRun(url(server), [], frames, (hostile) => probe(hostile, `probe-${run}`))
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1)
      // The other connection is served, with the right answer.
      const answer = await good.call('echo', { run, nested: [run] })
      expect(answer.result).toEqual({ run, nested: [run] })
    }),
    { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED ?? 1507) },
  )
  // Both kinds of outcome were reached: answered sockets, and sockets closed by a limit.
  expect(outcomes.get('pong')).toBeGreaterThan(RUNS / 2)
  expect([...outcomes.keys()].some((key) => key !== 'pong')).toBe(true)
  expect(Object.prototype).not.toHaveProperty('polluted')
  // Only the method that throws on purpose reaches onError.
  for (const err of errors) expect(String(err)).toMatch(/boom|encode|Converting|circular|Maximum call stack/)
  expect(server.stats.connections).toBeGreaterThanOrEqual(1)
}, 120_000)
