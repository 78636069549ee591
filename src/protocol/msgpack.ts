/**
 * The binary dialect: lifeline's messages as MessagePack arrays, in the
 * shape of MessagePack-RPC (docs/protocol.md, "Encodings"), with the same
 * conventions (ping, subscribe, publish, sessions, acks, `once`) and codes as
 * JSON-RPC. Bytes travel as bytes: a `Uint8Array` (or any typed array) in
 * params or a result arrives as a `Uint8Array`, a `Date` as a `Date`. Its own entry, `lifeline-ws/msgpack`, so an app on JSON ships none
 * of it. Shared with `lifeline-ws/server`.
 * @module
 */
import { Decoder, Encoder, ExtensionCodec } from '@msgpack/msgpack'
import { ProtocolError } from '../errors'
import { jsonRpc, type JsonRpcOptions } from './json-rpc'
import { scanFrame } from './msgpack-scan'
import type { Decoded, DialectSocketOptions, ErrorObject, Id, Message, Once, Protocol } from './protocol'

/** Type numbers of MessagePack-RPC; a lifeline error is a response whose error member is set. */
const REQUEST = 0
const RESPONSE = 1
const NOTIFICATION = 2

/** Keys that could reach a prototype once user code spreads or merges a payload: refused like JSON's. */
const HOSTILE_KEYS = new Set(['__proto__', 'constructor', 'prototype'])

/**
 * Options of {@link msgpack}: the conventions' method names (as in jsonRpc()) and the decoder's limits.
 * @example
 * msgpack({ maxDepth: 16, publish: 'event' })
 */
export interface MsgpackOptions extends JsonRpcOptions {
  /**
   * Deepest nesting of arrays and maps in a frame, the message's own array included: a deeper frame is
   * refused before it is decoded, and a deeper message cannot be encoded.
   * @default 64
   */
  maxDepth?: number
}

type Wire = readonly unknown[]

/**
 * MessagePack writes bytes from a view (any typed array): an `ArrayBuffer` or a `Blob` would become an
 * empty map without a word, so they are refused, saying what to send instead. An extension that never
 * encodes: the encoder asks it about every object before its own types.
 */
const refuseBufferAndBlob = new ExtensionCodec()
refuseBufferAndBlob.register({
  type: 0,
  encode(value) {
    if (value instanceof ArrayBuffer) throw new TypeError('an ArrayBuffer: send a view of it, new Uint8Array(buffer)')
    if (typeof Blob !== 'undefined' && value instanceof Blob) throw new TypeError('a Blob: read it first, new Uint8Array(await blob.arrayBuffer())')
    return null
  },
  decode: () => {
    throw new TypeError('extension type 0')
  },
})

const isParams = (value: unknown) => value === undefined || (typeof value === 'object' && value !== null)
const isId = (value: unknown): value is Id => typeof value === 'string' || typeof value === 'number'
/** A request's or an answer's id: JSON-RPC allows null (discouraged), and so does the Message type. */
const isIdOrNull = (value: unknown): value is Id | null => value === null || isId(value)
/** nil in an optional slot is the member left out. */
const optional = (value: unknown) => (value === null ? undefined : value)

/** The wire array of one message; optional members at the end are left out, a gap before one is nil. */
function toWire(message: Message): Wire {
  switch (message.type) {
    case 'request':
    case 'notification': {
      if (!isParams(message.params)) {
        throw new ProtocolError(`lifeline: params must be an object or an array ('${message.method}' got ${typeof message.params})`, message)
      }
      const head = message.type === 'request' ? [REQUEST, message.id, message.method] : [NOTIFICATION, message.method]
      if (message.once !== undefined) return [...head, message.params ?? null, message.once]
      return message.params === undefined ? head : [...head, message.params]
    }
    case 'response':
      return [RESPONSE, message.id, null, message.result ?? null]
    default:
      return [RESPONSE, message.id, message.error, null]
  }
}

/** A valid error member, copied (extra members left behind, as JSON-RPC's decoder does). */
function toError(value: unknown): ErrorObject | undefined {
  const error = value as Partial<ErrorObject> | null
  if (typeof error !== 'object' || error === null || !Number.isInteger(error.code) || typeof error.message !== 'string') return undefined
  return 'data' in error ? { code: error.code!, message: error.message, data: error.data } : { code: error.code!, message: error.message }
}

/** One message from its wire array; undefined when it is malformed. */
function toMessage(wire: unknown): Message | undefined {
  if (!Array.isArray(wire)) return undefined
  const [type, first, second, third, fourth] = wire as unknown[]
  if (type === REQUEST && wire.length >= 3 && wire.length <= 5 && isIdOrNull(first) && typeof second === 'string' && isParams(optional(third))) {
    return { type: 'request', id: first, method: second, params: optional(third), once: optional(fourth) as Once | undefined }
  }
  if (type === NOTIFICATION && wire.length >= 2 && wire.length <= 4 && typeof first === 'string' && isParams(optional(second))) {
    return { type: 'notification', method: first, params: optional(second), once: optional(third) as Once | undefined }
  }
  if (type !== RESPONSE || wire.length !== 4) return undefined
  if (second === null) return isIdOrNull(first) ? { type: 'response', id: first, result: third } : undefined
  const error = toError(second)
  return error && third === null && isIdOrNull(first) ? { type: 'error', id: first, error } : undefined
}

/**
 * A batch member: its message, or an invalid member in its place (as JSON-RPC's batches: the others are
 * still handled), with its id when it is a request or an answer with a usable one.
 */
function toMember(wire: unknown): Decoded {
  const message = toMessage(wire)
  if (message) return message
  const [type, id] = Array.isArray(wire) ? (wire as unknown[]) : []
  return { type: 'invalid', id: (type === REQUEST || type === RESPONSE) && isId(id) ? id : null }
}

/** True when the frame is a batch: an array whose first element is an array (a message starts with its type number). */
const isBatch = (value: unknown): value is unknown[] => Array.isArray(value) && Array.isArray(value[0])

/** The frame as a plain Uint8Array view (a Node Buffer too), so that bytes decoded from it are plain Uint8Arrays. */
function toBytes(frame: Uint8Array | ArrayBuffer): Uint8Array {
  if (frame instanceof ArrayBuffer) return new Uint8Array(frame)
  return frame.constructor === Uint8Array ? frame : new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength)
}

/** The subprotocol that names the dialect; a server with several serves the connection in the one offered. */
const NAME = 'lifeline.msgpack'

/**
 * The socket a client on MessagePack needs: `lifeline.msgpack` offered first, before the app's own
 * subprotocols (a server with several dialects answers in the first it serves), and binary frames read
 * as `ArrayBuffer`s unless the app set `binaryType` (a `Blob` cannot be decoded synchronously). Here and
 * not in the client, so that a client on JSON ships none of it.
 */
function socketOptions<Options extends DialectSocketOptions>(options: Options): Options {
  const { protocols } = options
  const offered = (own: string | string[] | undefined) => [NAME, ...(own === undefined ? [] : [own].flat().filter((p) => p !== NAME))]
  return {
    ...options,
    protocols: typeof protocols === 'function' ? async () => offered(await protocols()) : offered(protocols),
    binaryType: options.binaryType ?? 'arraybuffer',
  }
}

/**
 * MessagePack, the binary dialect. A message is an array in MessagePack-RPC's shape: `[0, id, method,
 * params?, once?]` a request, `[2, method, params?, once?]` a notification, `[1, id, null, result]` a
 * response and `[1, id, error, null]` an error; a batch is an array of them (an array whose first
 * element is an array). Its subprotocol is `lifeline.msgpack`. Decoding refuses, with a `ProtocolError`
 * carrying the frame, a text frame, bytes that are not one MessagePack value, a length longer than the
 * frame, nesting deeper than `maxDepth`, a `__proto__`, `constructor` or `prototype` key anywhere, and a
 * single message that is not valid; a batch is judged member by member, as JSON-RPC's: a bad member
 * becomes an `InvalidMember` in its place (with the id of a request or answer that has one). Its
 * `cause` is a `SyntaxError` when the frame was not MessagePack at all (a server answers that with
 * ParseError, the rest with InvalidRequest).
 * @param options the conventions' method names (each with a `rpc.` default) and the decoder's limits
 * @example
 * import { createClient } from 'lifeline-ws'
 * import { msgpack } from 'lifeline-ws/msgpack'
 * const client = createClient('wss://game.example.com/ws', { protocol: msgpack() })
 */
export function msgpack(options: MsgpackOptions = {}): Protocol<Uint8Array> {
  const { maxDepth = 64, ...names } = options
  if (!Number.isInteger(maxDepth) || maxDepth < 2) throw new RangeError(`lifeline: msgpack maxDepth must be an integer of at least 2 (got ${String(maxDepth)})`)
  // undefined in a map is left out, as JSON leaves it out; in an array it is nil.
  const encoder = new Encoder({ maxDepth, ignoreUndefined: true, extensionCodec: refuseBufferAndBlob })
  const decoder = new Decoder({
    extensionCodec: refuseBufferAndBlob,
    mapKeyConverter: (key) => {
      if (typeof key === 'number' || (typeof key === 'string' && !HOSTILE_KEYS.has(key))) return key
      throw new TypeError(`refused map key ${String(key)}`)
    },
  })
  // JSON-RPC's conventions (method names, with the app's) and codes; its encoder and decoder stay behind.
  const { encode: _encode, decode: _decode, ...conventions } = jsonRpc(names)
  return {
    ...conventions,
    name: NAME,
    socketOptions,
    encode(message) {
      const wire = Array.isArray(message) ? message.map(toWire) : toWire(message as Message)
      try {
        return encoder.encode(wire)
      } catch (cause) {
        throw new ProtocolError(`lifeline: cannot encode as MessagePack: ${String((cause as Error).message)}`, message, { cause })
      }
    },
    decode(frame) {
      let cause: unknown
      try {
        if (typeof frame === 'string') throw new SyntaxError('a text frame, and MessagePack is binary')
        const bytes = toBytes(frame)
        let data: unknown
        try {
          scanFrame(bytes, maxDepth)
          data = decoder.decode(bytes)
        } catch (err) {
          // A refused key is a valid frame's content (the decoder checks __proto__ itself); anything else
          // means the bytes are not one well-formed MessagePack value: the counterpart of JSON's SyntaxError.
          const message = String((err as Error).message)
          if (err instanceof TypeError) throw err
          if (message.includes('__proto__')) throw new TypeError(message, { cause: err })
          throw new SyntaxError(message, { cause: err })
        }
        if (!isBatch(data)) {
          const message = toMessage(data)
          if (message) return [message]
        } else {
          // Judged member by member: a bad member does not sink the others.
          return data.map(toMember)
        }
      } catch (err) {
        cause = err
      }
      throw new ProtocolError('lifeline: bad frame', frame, { cause })
    },
  }
}
