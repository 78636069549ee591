// The payloads and codecs of the encoding benches (bench/encodings.mjs), written once for Node and for
// the Chromium page (bundled there by esbuild): plain functions over the libraries handed in, no I/O.

/** A fixed 16-byte blob: a cursor's recent trail, packed as bytes (the "small binary blob"). */
const trail = () => Uint8Array.from({ length: 16 }, (_, index) => (index * 37) & 0xff)

/** Three realistic messages, as lifeline's Message union: what the app's client sends or receives. */
export const payloads = {
  'chat message': {
    type: 'notification', method: 'chat.message',
    params: { room: 'general', id: 'm_01HZX3K9Q7WJ', user: { id: 'u_42', name: 'Ada Lovelace' },
      text: 'Shipping binary frames today: MessagePack beside JSON, picked per connection.', sentAt: 1765098000123 },
  },
  'price tick': {
    type: 'notification', method: 'rpc.publish',
    params: { topic: 'prices.BTC-USD', seq: 1234567, data: { bid: 43123.55, ask: 43124.1, last: 43123.9, volume: 12.3456, ts: 1765098000123 } },
  },
  '60 Hz cursor + 16-byte blob': {
    type: 'notification', method: 'cursor',
    params: { x: 512.5, y: 384.25, buttons: 1, t: 1765098000123, trail: trail() },
  },
}

/** Bytes to base64 and back without Node's Buffer, as a browser app on JSON has to. */
function toBase64(bytes) {
  let text = ''
  for (const byte of bytes) text += String.fromCharCode(byte)
  return globalThis.btoa(text)
}
function fromBase64(text) {
  const binary = globalThis.atob(text)
  const bytes = new Uint8Array(binary.length)
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index)
  return bytes
}

/** JSON has no bytes: the app sends the blob as base64 and turns it back on arrival (both counted). */
function withBase64(message) {
  const trail = message.params?.trail
  return trail instanceof Uint8Array ? { ...message, params: { ...message.params, trail: toBase64(trail) } } : message
}
function fromWithBase64(message) {
  const trail = message.params?.trail
  return typeof trail === 'string' ? { ...message, params: { ...message.params, trail: fromBase64(trail) } } : message
}

/**
 * The dialects an app picks between, each `{ encode(message) -> frame, decode(frame) -> message }`:
 * lifeline's jsonRpc() and msgpack(), and socket.io's msgpack parser as the anchor (a socket.io event
 * packet `[event, payload]`, encoded and decoded the way socket.io does it per frame).
 */
export function dialectCodecs({ jsonRpc, msgpack, SocketIoEncoder, SocketIoDecoder }) {
  const json = jsonRpc()
  const binary = msgpack()
  const ioEncoder = new SocketIoEncoder()
  const ioDecoder = new SocketIoDecoder()
  let decoded
  ioDecoder.on('decoded', (packet) => {
    decoded = packet
  })
  return {
    'JSON (jsonRpc(), blob as base64)': {
      encode: (message) => json.encode(withBase64(message)),
      decode: (frame) => fromWithBase64(json.decode(frame)[0]),
    },
    'MessagePack (msgpack())': {
      encode: (message) => binary.encode(message),
      decode: (frame) => binary.decode(frame)[0],
    },
    'socket.io-msgpack-parser (anchor)': {
      encode: (message) => ioEncoder.encode({ type: 2, nsp: '/', data: [message.method, message.params] })[0],
      decode: (frame) => {
        ioDecoder.add(frame)
        return decoded
      },
    },
  }
}

/**
 * The candidate libraries, raw, on the same wire arrays msgpack() writes (so only the library
 * differs): @msgpack/msgpack and msgpackr (records off: they are msgpackr's own extension, unreadable
 * by other MessagePack peers), with JSON.stringify/parse of the same arrays for scale.
 */
export function libraryCodecs({ MsgpackEncoder, MsgpackDecoder, Packr }) {
  const encoder = new MsgpackEncoder({ ignoreUndefined: true })
  const decoder = new MsgpackDecoder()
  const packr = new Packr({ useRecords: false })
  const wire = (message) => [2, message.method, message.params]
  return {
    'JSON.stringify / parse (blob as base64)': {
      encode: (message) => JSON.stringify(wire(withBase64(message))),
      decode: (frame) => fromWithBase64({ params: JSON.parse(frame)[2] }),
    },
    '@msgpack/msgpack': { encode: (message) => encoder.encode(wire(message)), decode: (frame) => decoder.decode(frame) },
    msgpackr: { encode: (message) => packr.pack(wire(message)), decode: (frame) => packr.unpack(frame) },
  }
}

/** Bytes of one frame on the wire: UTF-8 for text. */
export const frameBytes = (frame) => (typeof frame === 'string' ? new TextEncoder().encode(frame).length : frame.byteLength)

/**
 * Times `n` encodes and `n` decodes of one payload with one codec: ns per frame for each, measured with
 * performance.now() around a tight loop (no I/O inside: wall time is CPU time on an idle core).
 */
export function timeCodec(codec, message, n) {
  const frames = new Array(n)
  const t0 = performance.now()
  for (let index = 0; index < n; index++) frames[index] = codec.encode(message)
  const t1 = performance.now()
  let last
  for (let index = 0; index < n; index++) last = codec.decode(frames[index])
  const t2 = performance.now()
  if (!last) throw new Error('decoded nothing')
  return { encode: ((t1 - t0) * 1e6) / n, decode: ((t2 - t1) * 1e6) / n, bytes: frameBytes(frames[0]) }
}
