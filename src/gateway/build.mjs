// Builds the `lifeline-ws` executable, dist/cli.cjs, from src/gateway/bin.ts: one self-contained
// CommonJS file with the server, ws, jose and prom-client inside, so `npx lifeline-ws gateway` needs
// no other package and the library's users install none of them (docs/gateway.md, "Dependencies").
// ioredis stays outside (only with LIFELINE_REDIS_URL), as do ws's optional native helpers.
// Also ships the server API's OpenAPI file as dist/gateway-openapi.json.
// Usage: node src/gateway/build.mjs [outfile]
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { build } from 'esbuild'

const root = join(import.meta.dirname, '../..')

/** Bundle the executable to `outfile`. */
export async function buildGateway(outfile = join(root, 'dist/cli.cjs'), { minify = true } = {}) {
  mkdirSync(dirname(outfile), { recursive: true })
  const { metafile } = await build({
    entryPoints: [join(root, 'src/gateway/bin.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify,
    // Keeps class and function names readable in logs and stack traces.
    keepNames: true,
    legalComments: 'none',
    metafile: true,
    external: ['ioredis', 'bufferutil', 'utf-8-validate'],
    banner: { js: '#!/usr/bin/env node' },
    logLevel: 'error',
  })
  copyFileSync(join(root, 'src/gateway/openapi.json'), join(dirname(outfile), 'gateway-openapi.json'))
  writeFileSync(`${outfile}.LICENSES.txt`, licenses(Object.keys(metafile.inputs)))
}

/** The license texts of every package bundled into the file (their licenses ask to keep them with copies). */
function licenses(inputs) {
  const packages = new Set()
  for (const input of inputs) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)
    if (match) packages.add(match[1])
  }
  return [...packages].sort().map((name) => {
    const dir = join(root, 'node_modules', name)
    const { version, license } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
    const file = readdirSync(dir).find((entry) => /^licen[cs]e/i.test(entry))
    const text = file && existsSync(join(dir, file)) ? readFileSync(join(dir, file), 'utf8').trim() : `License: ${license}`
    return `${name}@${version} (${license})\n\n${text}\n`
  }).join(`\n${'-'.repeat(72)}\n\n`)
}

if (process.argv[1] === import.meta.filename) await buildGateway(process.argv[2])
