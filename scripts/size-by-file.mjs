// Per-file minified bytes of what `import { createClient } from 'lifeline'` pulls in, and the gzip total.
// Usage: node scripts/size-by-file.mjs
import { build } from 'esbuild'
import { gzipSync } from 'node:zlib'
const r = await build({
  stdin: { contents: "export { createClient } from './src/index.ts'", resolveDir: process.cwd(), loader: 'ts' },
  bundle: true, minify: true, format: 'esm', write: false, metafile: true, target: 'es2022',
})
const out = Object.values(r.metafile.outputs)[0]
for (const [k, v] of Object.entries(out.inputs).sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput)) console.log(String(v.bytesInOutput).padStart(6), k)
const code = r.outputFiles[0].contents
console.log(`total ${code.length} min, ${gzipSync(code, { level: 9 }).length} gzip; the enforced budget is in .size-limit.json`)
