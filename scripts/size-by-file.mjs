// Where the production bytes go. Bundles from src/ the way an app ships lifeline (esbuild, browser,
// es2020, minified, NODE_ENV=production, gzip -9) and prints:
//   1. per file, the minified bytes of `import { createClient } from 'lifeline-ws'`;
//   2. the layers, cumulative: the socket alone, + calls, + topics and server requests, the full client.
// The enforced budgets are in .size-limit.mjs. Usage: node scripts/size-by-file.mjs
import { build } from 'esbuild'
import { gzipSync } from 'node:zlib'

const bundle = async (contents) => {
  const result = await build({
    stdin: { contents, resolveDir: process.cwd(), loader: 'ts' },
    bundle: true, minify: true, format: 'esm', platform: 'browser', target: 'es2020', write: false, metafile: true,
    define: { 'process.env.NODE_ENV': '"production"' }, logLevel: 'error',
  })
  const code = result.outputFiles[0].contents
  return { code, inputs: Object.values(result.metafile.outputs)[0].inputs, gzip: gzipSync(code, { level: 9 }).length }
}

const full = await bundle("export { createClient } from './src/index.ts'")
console.log('createClient by file (minified bytes):')
for (const [file, { bytesInOutput }] of Object.entries(full.inputs).sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput)) {
  if (bytesInOutput) console.log(String(bytesInOutput).padStart(6), file)
}
console.log(`total ${full.code.length} min, ${full.gzip} gzip\n`)

// Each layer adds what the next feature needs; "+ calls" and "+ topics" are the parts side by side
// on the socket core, before the client wires them, so they are floors.
const layers = [
  ['socket: createSocket (lifeline-ws/socket)', "export { createSocket } from './src/socket.ts'"],
  ['+ calls: the core, the call table and JSON-RPC', "export { createSocket } from './src/socket.ts'\nexport { createCore } from './src/socket/socket.ts'\nexport { createCalls } from './src/client/calls.ts'\nexport { jsonRpc } from './src/protocol/json-rpc.ts'"],
  ['+ topics: subscriptions, server requests, events', "export { createSocket } from './src/socket.ts'\nexport { createCore } from './src/socket/socket.ts'\nexport { createCalls } from './src/client/calls.ts'\nexport { jsonRpc } from './src/protocol/json-rpc.ts'\nexport { createSubscriptions } from './src/client/subscriptions.ts'\nexport { createHandlers } from './src/client/handlers.ts'"],
  ['full client: createClient (lifeline-ws), wired', "export { createClient } from './src/index.ts'"],
]
console.log('layers (production gzip bytes, cumulative):')
for (const [title, contents] of layers) console.log(String((await bundle(contents)).gzip).padStart(6), title)
