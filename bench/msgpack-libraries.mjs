// Which MessagePack library lifeline-ws/msgpack is built on (`npm run bench -- msgpack-libraries`): the
// candidates' bundle bytes (as an app ships them: esbuild, minified, gzip) and their encode + decode time
// per frame on the encodings payloads, in Node and in headless Chromium, one interleaved run.
// The choice and its reasons are in docs/protocol.md, "Encodings".
import { formatBytes, table } from './lib/stats.mjs'
import { bundle, measure } from './size.mjs'
import { runEncodings } from './lib/encoding-run.mjs'

const candidates = [
  ['@msgpack/msgpack (Encoder, Decoder)', `export { Encoder, Decoder } from '@msgpack/msgpack'`],
  ['msgpackr (Packr)', `export { Packr } from 'msgpackr'`],
]

export async function run(opts = {}) {
  const sizes = []
  for (const [name, entry] of candidates) {
    const bytes = measure(await bundle(entry))
    sizes.push([name, formatBytes(bytes.min), formatBytes(bytes.gzip)])
  }
  const measured = await runEncodings('libraries', opts)
  const text = `Bundle bytes:\n\n${table(['library', 'min', 'gzip'], sizes)}\n\n` +
    `${measured.n} frames per run, median of ${measured.rounds} interleaved rounds; × is the ratio to JSON on the same arrays.\n\n${measured.text}`
  return { text, medians: measured.medians, sizes }
}
