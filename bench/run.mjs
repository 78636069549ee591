// Entry of `npm run bench`: runs every section, or only those named
// (`npm run bench -- size memory`), prints a table per section and writes
// bench/results/latest.json. Options: --rounds N, --n COUNT (messages per run).
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync, existsSync, statSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { ensureBenchDependencies, lifelineDist, root, versionOf } from './lib/env.mjs'

// The competitor clients are bench/'s own dependencies, installed on first use.
ensureBenchDependencies()

// Memory needs gc() and throughput calls it between runs: re-run under --expose-gc.
if (typeof globalThis.gc !== 'function') {
  const child = spawnSync(process.execPath, ['--expose-gc', ...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit' })
  process.exit(child.status ?? 1)
}

const sections = {
  size: () => import('./size.mjs'),
  bindings: () => import('./bindings.mjs'),
  'throughput-node': () => import('./throughput-node.mjs'),
  'throughput-browser': () => import('./throughput-browser.mjs'),
  memory: () => import('./memory.mjs'),
  recovery: () => import('./recovery.mjs'),
  cluster: () => import('./cluster.mjs'),
  history: () => import('./history.mjs'),
  sharing: () => import('./sharing.mjs'),
  gateway: () => import('./gateway.mjs'),
  encodings: () => import('./encodings.mjs'),
  'msgpack-libraries': () => import('./msgpack-libraries.mjs'),
  capacity: () => import('./capacity.mjs'),
}
const aliases = { throughput: ['throughput-node', 'throughput-browser'] }

function parseArgs(argv) {
  const names = []
  const opts = {}
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--rounds' || a === '--n') opts[a.slice(2)] = Number(argv[++i])
    else if (aliases[a]) names.push(...aliases[a])
    else if (sections[a]) names.push(a)
    else throw new Error(`unknown section or option ${a}; sections: ${[...Object.keys(sections), ...Object.keys(aliases)].join(', ')}`)
  }
  return { names: names.length ? names : Object.keys(sections), opts }
}

/** The commit measured, and when the measured client module was built (it may predate the commit). */
function build() {
  let commit = 'unknown'
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch {
    // not a git checkout
  }
  return { commit, client: lifelineDist ? `${lifelineDist.replace(root, '')} built ${statSync(lifelineDist).mtime.toISOString()}` : 'none' }
}

function chromiumVersion() {
  try {
    return execFileSync('/usr/bin/chromium', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch {
    return 'not found'
  }
}

const libraries = ['lifeline-ws', 'ws', 'partysocket', 'reconnecting-websocket', 'sockette', 'websocket-ts', 'socket.io-client', 'socket.io',
  'phoenix', 'centrifuge', 'rpc-websockets', 'graphql-ws', '@microsoft/signalr', 'json-rpc-2.0', 'esbuild', 'playwright-core',
  '@msgpack/msgpack', 'msgpackr', 'socket.io-msgpack-parser', 'react-use-websocket', '@vueuse/core', 'svelte-websocket-store']

const { names, opts } = parseArgs(process.argv.slice(2))
const machine = {
  nproc: cpus().length, cpu: cpus()[0]?.model, node: process.version, chromium: chromiumVersion(),
  date: new Date().toISOString(), ...build(), command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
}
console.log(`lifeline bench: ${names.join(', ')}\n${machine.nproc} × ${machine.cpu}, node ${machine.node}, ${machine.chromium}\n`)

const file = join(root, 'bench/results/latest.json')
// Running one section keeps the others' last results, so the file always holds a full picture.
const results = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : { sections: {} }
results.machine = machine
results.versions = Object.fromEntries(libraries.map((n) => [n, versionOf(n)]))
const started = performance.now()
for (const name of names) {
  const t0 = performance.now()
  console.log(`## ${name}\n`)
  const { run } = await sections[name]()
  const result = await run(opts)
  console.log(`${result.text}\n\n(${((performance.now() - t0) / 1000).toFixed(1)} s)\n`)
  results.sections[name] = { ...result, seconds: Math.round((performance.now() - t0) / 100) / 10 }
}
mkdirSync(join(root, 'bench/results'), { recursive: true })
writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`)
writeFileSync(join(root, 'bench/results/latest.md'), summary(results))
console.log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s; wrote bench/results/latest.json and latest.md`)

/** The Markdown pasted into docs/benchmarks.md: machine, versions, then every section's tables. */
function summary({ machine: m, versions, sections: all }) {
  const order = Object.keys(sections).filter((name) => all[name])
  return [
    `Machine: ${m.nproc} × ${m.cpu}, Node ${m.node}, ${m.chromium}. Run ${m.date.slice(0, 16).replace('T', ' ')} UTC with \`${m.command}\`` +
      ` at commit ${m.commit}, client ${m.client} (sections from earlier runs keep their own results).`,
    '',
    `Versions: ${Object.entries(versions).map(([k, v]) => `${k} ${v}`).join(', ')}.`,
    '',
    ...order.map((name) => `## ${name} (${all[name].seconds} s)\n\n${all[name].text}\n`),
  ].join('\n')
}
