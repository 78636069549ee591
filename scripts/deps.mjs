// Prints the import graph of src/ (client side; src/server/ with --server): one line per file with
// the files it imports, then any import that points up the layers. Usage: node scripts/deps.mjs
// Layers, bottom up: base (errors, timers, events) < protocol < socket < client < share < entries (index.ts, socket.ts).
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'

const root = join(import.meta.dirname, '..', 'src')
const withServer = process.argv.includes('--server')
const files = (dir) => readdirSync(dir).flatMap((name) => {
  const path = join(dir, name)
  if (statSync(path).isDirectory()) return name === 'server' && !withServer ? [] : files(path)
  return path.endsWith('.ts') ? [path] : []
})
// store/ sits above the entries, and the bindings (react/, vue/, svelte/) and testing/ above it:
// they import the public entries, as their users do.
const layerOf = (file) => {
  if (['react/', 'vue/', 'svelte/', 'testing/'].some((folder) => file.startsWith(folder))) return 7
  if (file.startsWith('store/')) return 6
  if (file === 'index.ts' || file === 'socket.ts' || file === 'share.ts') return 5
  if (file.startsWith('share/')) return 4
  if (file.startsWith('client/')) return 3
  if (file.startsWith('socket/')) return 2
  if (file.startsWith('protocol/')) return 1
  if (file.startsWith('server/')) return 3
  return 0
}
const problems = []
for (const path of files(root).sort()) {
  const file = relative(root, path)
  const imports = [...readFileSync(path, 'utf8').matchAll(/^(?:import|export)[^'"]*from '(\.[^']+)'/gm)]
    .map(([, spec]) => relative(root, join(dirname(path), spec)) + '.ts')
  const unique = [...new Set(imports)].sort()
  console.log(`${file.padEnd(26)} -> ${unique.join(', ') || '(nothing)'}`)
  for (const target of unique) {
    if (layerOf(target) > layerOf(file) || (file.startsWith('socket/') && target.startsWith('protocol/'))) problems.push(`${file} -> ${target}`)
  }
}
console.log(problems.length ? `\nimports that point up the layers:\n${problems.join('\n')}` : '\nevery import points down the layers')
process.exitCode = problems.length ? 1 : 0
