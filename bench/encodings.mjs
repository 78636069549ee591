// Encodings (`npm run bench -- encodings`): bytes per frame and client CPU per frame (encode + decode)
// of lifeline's two dialects, JSON (jsonRpc()) and MessagePack (msgpack()), on three realistic payloads,
// in Node and in headless Chromium, with socket.io's msgpack parser as the anchor in the same run.
// docs/protocol.md, "Encodings", reads the table. Needs `npm run build` (dist/lifeline.js, dist/msgpack.js).
import { formatBytes, table } from './lib/stats.mjs'
import { bundle, measure } from './size.mjs'
import { runEncodings } from './lib/encoding-run.mjs'

export async function run(opts = {}) {
  const measured = await runEncodings('dialects', opts)
  // What each costs an app's bundle on top of createClient (the anchor: socket.io-client's own parser).
  const sizes = [
    ['jsonRpc() (in createClient)', 'nothing more: the default dialect'],
    ['msgpack() (lifeline-ws/msgpack)', formatBytes(measure(await bundle(`export { msgpack } from './dist/msgpack.js'`)).gzip)],
    ['socket.io-msgpack-parser', formatBytes(measure(await bundle(`export { Encoder, Decoder } from 'socket.io-msgpack-parser'`)).gzip)],
  ]
  const text = `${measured.n} frames per run, median of ${measured.rounds} interleaved rounds; × is the ratio to JSON on the same payload.\n\n` +
    `${measured.text}\n\nBundle bytes each adds (min + gzip):\n\n${table(['encoding', 'gzip'], sizes)}`
  return { text, medians: measured.medians, sizes }
}
