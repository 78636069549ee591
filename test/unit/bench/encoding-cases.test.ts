// The encoding bench measures codecs that really round-trip its payloads: a codec that lost the blob
// or answered from a cache would make its row a lie.
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { dialectCodecs, frameBytes, libraryCodecs, payloads, timeCodec } from '../../../bench/lib/encoding-cases.mjs'
import { jsonRpc } from '../../../src/protocol/json-rpc'
import { msgpack } from '../../../src/protocol/msgpack'

// The anchors (socket.io's parser, msgpackr) are the bench's own dependencies (bench/package.json),
// installed by `npm run bench`, not by `npm ci`: where they are absent this file is skipped, and
// says so, instead of failing to load.
const bench = createRequire(new URL('../../../bench/package.json', import.meta.url))
function benchDependency(name: string): ReturnType<NodeJS.Require> {
  try {
    return bench(name)
  } catch {
    return undefined
  }
}
const socketIo = benchDependency('socket.io-msgpack-parser')
const msgpackLibrary = benchDependency('@msgpack/msgpack')
const msgpackr = benchDependency('msgpackr')
const hasBenchDependencies = !!(socketIo && msgpackLibrary && msgpackr)
const { Encoder: SocketIoEncoder, Decoder: SocketIoDecoder } = socketIo ?? {}
const { Encoder: MsgpackEncoder, Decoder: MsgpackDecoder } = msgpackLibrary ?? {}
const { Packr } = msgpackr ?? {}
if (!hasBenchDependencies) console.warn('bench/lib/encoding-cases: skipped, the bench dependencies are not installed (npm ci --prefix bench)')

/** Params with their blob, if any, as a plain Uint8Array: the anchor gives an ArrayBuffer, msgpackr a Buffer in Node. */
function plainBytes(params: Record<string, unknown>): Record<string, unknown> {
  const trail = params.trail as ArrayBuffer | Uint8Array | undefined
  if (trail === undefined) return params
  return { ...params, trail: trail instanceof ArrayBuffer ? new Uint8Array(trail) : Uint8Array.from(trail) }
}

describe.runIf(hasBenchDependencies)('bench/lib/encoding-cases', () => {
  // Built in each test, not here: vitest runs this body to collect the tests even when it skips them.
  const dialects = () => dialectCodecs({ jsonRpc, msgpack, SocketIoEncoder, SocketIoDecoder })
  const libraries = () => libraryCodecs({ MsgpackEncoder, MsgpackDecoder, Packr })

  it.each(Object.entries(payloads))('every dialect round-trips the %s, blob included', (_, message) => {
    const [json, binary, anchor] = Object.values(dialects())
    expect(json!.decode(json!.encode(message))).toEqual(message)
    expect(binary!.decode(binary!.encode(message))).toEqual({ once: undefined, ...message })
    const packet = anchor!.decode(anchor!.encode(message)) as { type: number; data: [string, Record<string, unknown>] }
    expect(packet.type).toBe(2)
    expect([packet.data[0], plainBytes(packet.data[1])]).toEqual([message.method, message.params])
  })

  it.each(Object.entries(payloads))('every library round-trips the %s as the same wire array', (_, message) => {
    for (const codec of Object.values(libraries()).slice(1)) {
      const [type, method, params] = codec.decode(codec.encode(message)) as [number, string, Record<string, unknown>]
      expect([type, method, plainBytes(params)]).toEqual([2, message.method, message.params])
    }
    expect(Object.values(libraries())[0]!.decode(Object.values(libraries())[0]!.encode(message))).toEqual({ params: message.params })
  })

  it('counts text frames in UTF-8 bytes and times both directions', () => {
    expect(frameBytes('é')).toBe(2)
    const timed = timeCodec(dialects()['MessagePack (msgpack())']!, payloads['price tick'], 10)
    expect(timed.bytes).toBe(msgpack().encode(payloads['price tick']).byteLength)
    expect(timed.encode).toBeGreaterThanOrEqual(0)
  })
})
