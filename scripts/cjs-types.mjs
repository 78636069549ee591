// Writes dist/<entry>.d.cts next to every dist/<entry>.d.ts, for the
// `require` condition of package.json `exports`. The package is ESM
// ("type": "module"), so TypeScript reads a .d.ts as the types of an ES
// module; a CommonJS consumer (node16/nodenext resolution, `require`) needs
// types that describe the .cjs file, or attw reports "masquerading as ESM".
// The declarations are the same; only the extension tells TypeScript the
// module format. Run by `npm run build` after rollup.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const dist = new URL('../dist/', import.meta.url).pathname
const written = []
for (const name of readdirSync(dist)) {
  if (!name.endsWith('.d.ts')) continue
  const target = name.replace(/\.d\.ts$/, '.d.cts')
  writeFileSync(join(dist, target), readFileSync(join(dist, name), 'utf8'))
  written.push(target)
}
if (written.length === 0) throw new Error('cjs-types: no dist/*.d.ts found; run rollup first')
console.log(`cjs-types: ${written.join(', ')}`)
