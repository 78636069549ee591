// The import graph of src/, checked (run by `npm test`, in test:lint):
// - every import points down the layers, bottom up: base (errors, timers, events, checks, nearest, host) < protocol < socket
//   < client < share < entries (index.ts, socket.ts, share.ts) < store < react, vue, svelte, react-native, testing, gateway (they import a
//   public entry, as their users do); socket/ knows no protocol;
// - the server is a layer of its own: server/ imports only server/, protocol/ and the base modules
//   without imports of their own (errors.ts, timers.ts, nearest.ts, checks.ts), and only testing/ and gateway/
//   import it (through server/index.ts, the public entry, as their users do);
// - the server core (core.ts, connection/, messages/, sessions/, topics/) runs on any transport: it
//   imports nothing of transport/ but the seam's types (transport/transport.ts), and neither `ws` nor
//   node's network modules (types excepted: ctx.request is an IncomingMessage);
// - no file reaches itself through its imports (a cycle), type-only imports included: a cycle of types
//   is still two files that cannot be read one before the other.
// Usage: node scripts/deps.mjs            one line per layer, then the checks
//        node scripts/deps.mjs --files    one line per file and what it imports, then the checks
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'

const root = join(import.meta.dirname, '..', 'src')
const showFiles = process.argv.includes('--files')

/**
 * Cycles that exist on main and belong to another piece of work, by their files (sorted); each is
 * reported, not failed on. A listed cycle that is gone is reported too, so the list only shrinks.
 * None today: the socket's (options -> persist -> outbox -> options) went with socket/frame-size.ts.
 */
const KNOWN_CYCLES = []

const files = (dir) => readdirSync(dir).flatMap((name) => {
  const path = join(dir, name)
  if (statSync(path).isDirectory()) return files(path)
  return path.endsWith('.ts') ? [path] : []
})

/** The base modules the server may import: none imports anything (events.ts would bring nanoevents). */
const SERVER_BASE = ['errors.ts', 'timers.ts', 'nearest.ts', 'checks.ts']
const LAYERS = ['base', 'protocol', 'socket', 'client', 'share', 'entries', 'store', 'bindings, testing, gateway', 'server']
/** The layers above the entries that may build on the server's entry. */
const ON_SERVER = ['testing/', 'gateway/']
const layerOf = (file) => {
  if (file.startsWith('server/')) return 'server'
  // The bindings (react/, vue/, svelte/) sit on the framework-neutral store/, which sits on the entries.
  if (['react/', 'vue/', 'svelte/', 'react-native/', 'testing/', 'gateway/'].some((dir) => file.startsWith(dir))) return 'bindings, testing, gateway'
  if (file.startsWith('store/')) return 'store'
  if (file === 'index.ts' || file === 'socket.ts' || file === 'share.ts' || file === 'msgpack.ts') return 'entries'
  for (const layer of ['share', 'client', 'socket', 'protocol']) if (file.startsWith(`${layer}/`)) return layer
  return 'base'
}
/** Why `file` may not import `target`, or undefined when it may. */
const problem = (file, target) => {
  const from = layerOf(file)
  const to = layerOf(target)
  if (from === 'server') {
    const allowed = to === 'server' || to === 'protocol' || SERVER_BASE.includes(target)
    return allowed ? undefined : `the server imports only server/, protocol/ and ${SERVER_BASE.join(', ')}`
  }
  if (to === 'server') {
    const allowed = ON_SERVER.some((dir) => file.startsWith(dir)) && target === 'server/index.ts'
    return allowed ? undefined : 'only testing/ and gateway/ import the server, through server/index.ts'
  }
  if (from === 'socket' && to === 'protocol') return 'socket/ knows no protocol'
  return LAYERS.indexOf(to) > LAYERS.indexOf(from) ? 'points up the layers' : undefined
}

/** The server core: what must run on any transport. */
const isCore = (file) => file === 'server/core.ts' || /^server\/(connection|messages|sessions|topics)\//.test(file)
/** What only a transport adapter may import at run time. */
const NETWORK = ['ws', 'node:http', 'node:https', 'node:net', 'node:stream']

const graph = new Map()
const network = []
for (const path of files(root).sort()) {
  const file = relative(root, path)
  const source = readFileSync(path, 'utf8')
  const imports = [...source.matchAll(/^(?:import|export)[^'"]*from '(\.[^']+)'/gm)]
    .map(([, spec]) => relative(root, join(dirname(path), spec)) + '.ts')
  graph.set(file, [...new Set(imports)].sort())
  if (!isCore(file)) continue
  for (const [, typeOnly, spec] of source.matchAll(/^import( type)?[^'"]*from '([^'.][^']*)'/gm)) {
    if (!typeOnly && NETWORK.includes(spec)) network.push(`${file} -> '${spec}': the server core never touches the network; a transport adapter does`)
  }
  for (const target of graph.get(file)) {
    if (target.startsWith('server/transport/') && target !== 'server/transport/transport.ts') {
      network.push(`${file} -> ${target}: the server core knows a transport only through transport/transport.ts`)
    }
  }
}

/** One way round a cycle, from `start` back to it, through files of `members` only (breadth first). */
function pathRound(start, members) {
  const from = new Map([[start, undefined]])
  const queue = [start]
  while (queue.length) {
    const file = queue.shift()
    for (const target of graph.get(file)) {
      if (target === start) {
        const path = [start]
        for (let at = file; at !== start; at = from.get(at)) path.splice(1, 0, at)
        return [...path, start].join(' -> ')
      }
      if (members.includes(target) && !from.has(target)) {
        from.set(target, file)
        queue.push(target)
      }
    }
  }
  return members.join(' -> ')
}

/** Strongly connected components of more than one file (Tarjan): their files, sorted, and one way round. */
function cycles() {
  let next = 0
  const index = new Map()
  const low = new Map()
  const stack = []
  const found = []
  const visit = (file) => {
    index.set(file, next)
    low.set(file, next)
    next++
    stack.push(file)
    for (const target of graph.get(file) ?? []) {
      if (!graph.has(target)) continue
      if (!index.has(target)) {
        visit(target)
        low.set(file, Math.min(low.get(file), low.get(target)))
      } else if (stack.includes(target)) {
        low.set(file, Math.min(low.get(file), index.get(target)))
      }
    }
    if (low.get(file) !== index.get(file)) return
    const component = []
    let member
    do {
      member = stack.pop()
      component.push(member)
    } while (member !== file)
    if (component.length > 1) found.push({ key: component.sort().join(', '), path: pathRound(component[0], component) })
  }
  for (const file of graph.keys()) if (!index.has(file)) visit(file)
  return found.sort((a, b) => a.key.localeCompare(b.key))
}

const upward = [...network]
const byLayer = new Map(LAYERS.map((layer) => [layer, { files: 0, uses: new Set() }]))
for (const [file, imports] of graph) {
  const layer = byLayer.get(layerOf(file))
  layer.files++
  if (showFiles) console.log(`${file.padEnd(34)} -> ${imports.join(', ') || '(nothing)'}`)
  for (const target of imports) {
    if (!graph.has(target)) upward.push(`${file} -> ${target}: no such file`)
    const why = problem(file, target)
    if (why) upward.push(`${file} -> ${target}: ${why}`)
    if (layerOf(target) !== layerOf(file)) layer.uses.add(layerOf(target))
  }
}
if (!showFiles) {
  for (const [name, { files: count, uses }] of byLayer) {
    const used = LAYERS.filter((layer) => uses.has(layer)).join(', ') || '(nothing)'
    console.log(`${name.padEnd(24)} ${String(count).padStart(3)} files -> ${used}`)
  }
}

const found = cycles()
const newCycles = found.filter((cycle) => !KNOWN_CYCLES.includes(cycle.key)).map((cycle) => cycle.path)
const knownLeft = found.filter((cycle) => KNOWN_CYCLES.includes(cycle.key)).map((cycle) => cycle.path)
const knownGone = KNOWN_CYCLES.filter((key) => !found.some((cycle) => cycle.key === key))

console.log('')
console.log(upward.length ? `imports that break the layers:\n  ${upward.join('\n  ')}` : `every import points down the layers; the server imports only server/, protocol/ and ${SERVER_BASE.join(', ')}; its core knows no transport but the seam`)
console.log(newCycles.length ? `import cycles:\n  ${newCycles.join('\n  ')}` : 'no new import cycle')
for (const cycle of knownLeft) console.log(`known cycle, left to its own work: ${cycle}`)
for (const cycle of knownGone) console.log(`known cycle gone, remove it from KNOWN_CYCLES in scripts/deps.mjs: ${cycle}`)
process.exitCode = upward.length || newCycles.length ? 1 : 0
