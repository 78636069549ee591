// The encoding bench measures codecs that really round-trip its payloads: a codec that lost the blob
// or answered from a cache would make its row a lie.
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { dialectCodecs, frameBytes, libraryCodecs, payloads, timeCodec } from '../../../bench/lib/encoding-cases.mjs'
import { jsonRpc } from '../../../src/protocol/json-rpc'
import { msgpack } from '../../../src/protocol/msgpack'

const bench = createRequire(new URL('../../../bench/package.json', import.meta.url))
const { Encoder: SocketIoEncoder, Decoder: SocketIoDecoder } = bench('socket.io-msgpack-parser')
const { Encoder: MsgpackEncoder, Decoder: MsgpackDecoder } = bench('@msgpack/msgpack')
const { Packr } = bench('msgpackr')
const hasBenchDependencies = (() => {
  try {
    return !!SocketIoEncoder && !!Packr
  } catch {
    return false
  }
})()

/** Params with their blob, if any, as a plain Uint8Array: the anchor gives an ArrayBuffer, msgpackr a Buffer in Node. */
function plainBytes(params: Record<string, unknown>): Record<string, unknown> {
  const trail = params.trail as ArrayBuffer | Uint8Array | undefined
  if (trail === undefined) return params
  return { ...params, trail: trail instanceof ArrayBuffer ? new Uint8Array(trail) : Uint8Array.from(trail) }
}

describe.runIf(hasBenchDependencies)('bench/lib/encoding-cases', () => {
  const dialects = dialectCodecs({ jsonRpc, msgpack, SocketIoEncoder, SocketIoDecoder })
  const libraries = libraryCodecs({ MsgpackEncoder, MsgpackDecoder, Packr })

  it.each(Object.entries(payloads))('every dialect round-trips the %s, blob included', (_, message) => {
    const [json, binary, anchor] = Object.values(dialects)
    expect(json!.decode(json!.encode(message))).toEqual(message)
    expect(binary!.decode(binary!.encode(message))).toEqual({ once: undefined, ...message })
    const packet = anchor!.decode(anchor!.encode(message)) as { type: number; data: [string, Record<string, unknown>] }
    expect(packet.type).toBe(2)
    expect([packet.data[0], plainBytes(packet.data[1])]).toEqual([message.method, message.params])
  })

  it.each(Object.entries(payloads))('every library round-trips the %s as the same wire array', (_, message) => {
    for (const codec of Object.values(libraries).slice(1)) {
      const [type, method, params] = codec.decode(codec.encode(message)) as [number, string, Record<string, unknown>]
      expect([type, method, plainBytes(params)]).toEqual([2, message.method, message.params])
    }
    expect(Object.values(libraries)[0]!.decode(Object.values(libraries)[0]!.encode(message))).toEqual({ params: message.params })
  })

  it('counts text frames in UTF-8 bytes and times both directions', () => {
    expect(frameBytes('é')).toBe(2)
    const timed = timeCodec(dialects['MessagePack (msgpack())']!, payloads['price tick'], 10)
    expect(timed.bytes).toBe(msgpack().encode(payloads['price tick']).byteLength)
    expect(timed.encode).toBeGreaterThanOrEqual(0)
  })
})
