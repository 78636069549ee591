// Per-file minified bytes of what `import { createClient } from 'lifeline-ws'` pulls in, and the gzip total;
// then the client built up in layers, each adding what the next feature needs, as gzip sizes.
// Usage: node scripts/size-by-file.mjs
import { build } from 'esbuild'
import { gzipSync } from 'node:zlib'

const bundle = async (contents) => {
  const r = await build({
    stdin: { contents, resolveDir: process.cwd(), loader: 'ts' },
    bundle: true, minify: true, format: 'esm', write: false, metafile: true, target: 'es2022',
  })
  const code = r.outputFiles[0].contents
  return { code, inputs: Object.values(r.metafile.outputs)[0].inputs, gzip: gzipSync(code, { level: 9 }).length }
}

const full = await bundle("export { createClient } from './src/index.ts'")
for (const [k, v] of Object.entries(full.inputs).sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput)) console.log(String(v.bytesInOutput).padStart(6), k)
console.log(`total ${full.code.length} min, ${full.gzip} gzip; the enforced budget is in .size-limit.json\n`)

// Internal modules exported side by side: a floor for each feature set, before any wiring.
const layers = [
  ['connection: link, options, backoff, heartbeat, close codes', ['connection/reconnect.ts:createLink', 'options.ts:resolveOptions']],
  ['+ outbox', ['outbox/outbox.ts:createOutbox']],
  ['+ calls and the default protocol (what call() needs)', ['rpc/calls.ts:createCalls', 'protocol/json-rpc.ts:jsonRpc']],
  ['+ topics, server requests, events', ['rpc/subscriptions.ts:createSubscriptions', 'rpc/handlers.ts:createHandlers', 'events.ts:createEmitter']],
]
let exports = ''
console.log('layers (gzip bytes, cumulative, no wiring between them):')
for (const [title, parts] of layers) {
  for (const part of parts) {
    const [file, name] = part.split(':')
    exports += `export { ${name} } from './src/${file}'\n`
  }
  console.log(String((await bundle(exports)).gzip).padStart(6), title)
}
console.log(String(full.gzip).padStart(6), 'createClient: all of it, wired')
