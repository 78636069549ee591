// Runs one group of codecs of bench/lib/encoding-cases.mjs in Node and in headless Chromium, interleaved
// rounds, and renders one table: bytes per frame, and encode + decode time per frame in each runtime,
// with ratios to the group's first codec. Shared by the `encodings` and `msgpack-libraries` sections.
import { join } from 'node:path'
import { build } from 'esbuild'
import { chromium } from 'playwright-core'
import { CHROMIUM_ARGS, servePage } from '../throughput-browser.mjs'
import { benchDir, root } from './env.mjs'
import { payloads, timeCodec } from './encoding-cases.mjs'
import { median, ratio, table } from './stats.mjs'

const dist = (file) => join(root, 'dist', file)

/** The imports each group's codecs are made of, as one module's source (Node and the page alike). */
const IMPORTS = `
  import { jsonRpc } from ${JSON.stringify(dist('lifeline.js'))}
  import { msgpack } from ${JSON.stringify(dist('msgpack.js'))}
  import { Encoder as SocketIoEncoder, Decoder as SocketIoDecoder } from 'socket.io-msgpack-parser'
  import { Encoder as MsgpackEncoder, Decoder as MsgpackDecoder } from '@msgpack/msgpack'
  import { Packr } from 'msgpackr'
  import { dialectCodecs, libraryCodecs, payloads, timeCodec } from ${JSON.stringify(join(benchDir, 'lib/encoding-cases.mjs'))}
  const libs = { jsonRpc, msgpack, SocketIoEncoder, SocketIoDecoder, MsgpackEncoder, MsgpackDecoder, Packr }
  const groups = { dialects: () => dialectCodecs(libs), libraries: () => libraryCodecs(libs) }
`

/** Bundles the codecs for the page: `window.encodingBench(group, codec, payload, n)`. */
async function pageScript() {
  const contents = `${IMPORTS}
    const made = {}
    window.encodingBench = (group, codec, payload, n) => timeCodec((made[group] ??= groups[group]())[codec], payloads[payload], n)`
  const out = await build({
    stdin: { contents, resolveDir: root, sourcefile: 'encodings-page.js' }, nodePaths: [join(benchDir, 'node_modules')],
    bundle: true, format: 'iife', platform: 'browser', target: 'es2020', minify: true, write: false, logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  })
  return out.outputFiles[0].text
}

/** The same codecs in this process: bundled the same way (ESM, for Node), so both runtimes run one build. */
async function nodeCodecs(group) {
  const out = await build({
    stdin: { contents: `${IMPORTS}\nexport const codecs = groups[${JSON.stringify(group)}]()`, resolveDir: root, sourcefile: 'encodings-node.mjs' },
    nodePaths: [join(benchDir, 'node_modules')], bundle: true, format: 'esm', platform: 'node', target: 'node20', write: false, logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  })
  const url = `data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`
  return (await import(url)).codecs
}

/**
 * Measures `group` (`dialects` or `libraries`): `rounds` interleaved rounds after one warm-up, each
 * running every codec on every payload `n` times in Node and in Chromium. Returns the table's text and
 * the medians.
 */
export async function runEncodings(group, { rounds = 5, n = 20_000 } = {}) {
  const codecs = await nodeCodecs(group)
  const names = Object.keys(codecs)
  const http = await servePage(await pageScript())
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true })
  const samples = new Map()
  const sample = (key, value) => samples.set(key, [...(samples.get(key) ?? []), value])
  try {
    const page = await browser.newPage()
    page.on('pageerror', (err) => console.error('page error:', err.message))
    await page.goto(`http://127.0.0.1:${http.address().port}/`)
    for (let round = 0; round <= rounds; round++) {
      for (const payload of Object.keys(payloads)) {
        // A rotated order per round, so a slow spell of the shared machine lands on every codec alike.
        const order = names.map((_, index) => names[(index + round) % names.length])
        for (const name of order) {
          const node = timeCodec(codecs[name], payloads[payload], n)
          const chromium = await page.evaluate(([g, c, p, count]) => window.encodingBench(g, c, p, count), [group, name, payload, n])
          if (round === 0) continue
          sample(`${payload}|${name}|bytes`, node.bytes)
          sample(`${payload}|${name}|node`, node.encode + node.decode)
          sample(`${payload}|${name}|chromium`, chromium.encode + chromium.decode)
        }
      }
    }
  } finally {
    await browser.close()
    http.close()
  }
  const rows = []
  const medians = {}
  for (const payload of Object.keys(payloads)) {
    const base = (what) => median(samples.get(`${payload}|${names[0]}|${what}`))
    for (const name of names) {
      const value = (what) => median(samples.get(`${payload}|${name}|${what}`))
      medians[`${payload}|${name}`] = { bytes: value('bytes'), node: value('node'), chromium: value('chromium') }
      rows.push([payload, name, value('bytes'), ratio(value('bytes'), base('bytes')), Math.round(value('node')), ratio(value('node'), base('node')),
        Math.round(value('chromium')), ratio(value('chromium'), base('chromium'))])
    }
  }
  const header = ['payload', 'encoding', 'bytes/frame', 'bytes ×', 'Node ns/frame (enc+dec)', 'Node ×', 'Chromium ns/frame (enc+dec)', 'Chromium ×']
  return { text: table(header, rows), medians, rounds, n }
}
