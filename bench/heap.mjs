// Where a memory case's bytes go: heap snapshots before and after N items,
// aggregated by constructor (objects), by name (closures) or by kind.
//   node --expose-gc bench/heap.mjs [pending|queued] ["case name"] [n]
// Lists every group that grew by more than 2 B per item, in bytes per item.
import v8 from 'node:v8'
import { readFileSync, rmSync } from 'node:fs'
import { startServers } from './lib/spawn-servers.mjs'
import { refusedPort } from './memory.mjs'
import { table } from './lib/stats.mjs'

const [kind = 'pending', name = 'lifeline (default 30 s timeout)', count = '20000'] = process.argv.slice(2)
const n = Number(count)

/** Self size and count per group of one heap snapshot, after GC. */
function snapshot() {
  for (let i = 0; i < 3; i++) globalThis.gc()
  const file = v8.writeHeapSnapshot()
  const { snapshot: { meta }, nodes, strings } = JSON.parse(readFileSync(file, 'utf8'))
  rmSync(file)
  const fields = meta.node_fields.length
  const [type, nameAt, size] = ['type', 'name', 'self_size'].map((f) => meta.node_fields.indexOf(f))
  const groups = new Map()
  for (let i = 0; i < nodes.length; i += fields) {
    const t = meta.node_types[0][nodes[i + type]]
    let key = `(${t})`
    if (t === 'object') key = strings[nodes[i + nameAt]]
    else if (t === 'closure') key = `closure ${strings[nodes[i + nameAt]] || '(anonymous)'}`
    const g = groups.get(key) ?? { count: 0, bytes: 0 }
    g.count++
    g.bytes += nodes[i + size]
    groups.set(key, g)
  }
  return groups
}

if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc')
const servers = await startServers()
const cases = await import('./lib/memory-cases.mjs')
const add = await cases[kind][name]({ ...servers.urls, refused: `ws://127.0.0.1:${await refusedPort()}/` })
const held = new Array(n + 100)
for (let i = 0; i < 100; i++) held[n + i] = add(i)
await new Promise((resolve) => setTimeout(resolve, 300))
const before = snapshot()
for (let i = 0; i < n; i++) held[i] = add(i)
await new Promise((resolve) => setTimeout(resolve, 1500))
const after = snapshot()
const rows = [...after].map(([key, g]) => {
  const b = before.get(key) ?? { count: 0, bytes: 0 }
  return [key, (g.count - b.count) / n, (g.bytes - b.bytes) / n]
}).filter((r) => r[2] > 2).sort((a, b) => b[2] - a[2])
const total = rows.reduce((sum, r) => sum + r[2], 0)
console.log(`${kind} / ${name}: ${n} items, ${total.toFixed(0)} B per item in the groups below (held: ${held.length}, ${typeof add})\n`)
console.log(table(['group', 'per item', 'bytes per item'], rows.map(([k, c, b]) => [k, c.toFixed(2), b.toFixed(1)])))
servers.stop()
// The held calls would reject as the server goes; nobody is left to catch them.
process.exit(0)
