// The client's per-frame cost without a network: one process, a fake WebSocket, frames handed to
// the socket's onmessage and taken from its send(). Sessions on (the fake peer answers the
// handshake and acknowledges every 128 frames, as lifeline-ws/server does). Compares builds in
// interleaved rounds against a raw loop doing the same JSON work, so a change to the hot path can
// be judged without the noise of sockets, a second process and a shared machine:
//   node --expose-gc bench/hotpath.mjs [--n 20000] [--rounds 15] [--only events|notify|call]
//     [--plain] [--layers] [--isolate] [name=/abs/dist ...]
// The default build is dist/. --plain runs each build once more against a peer without sessions;
// --layers adds the layers under the client (of the first build): the protocol's encode/decode
// alone, and the raw socket (lifeline-ws/socket) under hand-written JSON; --isolate takes every
// sample in a fresh process, so contenders share no JIT state.
// Prints the median CPU nanoseconds per frame for each case and build, and the ratio to raw.
import { join } from 'node:path'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { root } from './lib/env.mjs'
import { cpuRounds, measure } from './lib/cpu-rounds.mjs'
import { frameCases, protocolCodec } from './lib/frame-cases.mjs'

const args = process.argv.slice(2)
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`)
  return at < 0 ? fallback : Number(args.splice(at, 2)[1])
}
const flag = (name) => args.includes(`--${name}`) && !!args.splice(args.indexOf(`--${name}`), 1)
const n = option('n', 20_000)
const rounds = option('rounds', 15)
const only = args.indexOf('--only') < 0 ? undefined : args.splice(args.indexOf('--only'), 2)[1]
const kinds = ['events in', 'notify out', 'call round trip'].filter((kind) => !only || kind.startsWith(only))
const plain = flag('plain')
const layers = flag('layers')
const isolate = flag('isolate')
const child = args.indexOf('--child') < 0 ? undefined : args.splice(args.indexOf('--child'), 3).slice(1)
const builds = args.length ? args.map((arg) => arg.split('=')) : [['dist', join(root, 'dist')]]

const { directCase, socketCase, clientCase } = frameCases(n)
const run = promisify(execFile)
const load = (dir, entry) => import(pathToFileURL(join(dir, entry)).href)
const clients = await Promise.all(builds.map(async ([name, dir]) => [name, await load(dir, 'lifeline.js')]))

const contenders = [['raw', (kind) => directCase(kind)]]
if (layers) {
  const [[, { jsonRpc }], [, dir]] = [clients[0], builds[0]]
  const { createSocket } = await load(dir, 'socket.js')
  contenders.push(['protocol only', (kind) => directCase(kind, protocolCodec(jsonRpc()))], ['socket only', (kind) => socketCase(createSocket, kind)])
}
contenders.push(...clients.map(([name, { createClient }]) => [name, (kind) => clientCase(createClient, kind, true)]))
if (plain) contenders.push(...clients.map(([name, { createClient }]) => [`${name}, plain`, (kind) => clientCase(createClient, kind, false)]))

if (child) {
  // One sample in a fresh process: three warm-up runs (the JIT tiers up over several), then the timed one.
  const [name, kind] = child
  const [, setUp] = contenders.find(([candidate]) => candidate === name)
  for (let warm = 0; warm < 3; warm++) await measure(setUp, kind, n)
  process.stdout.write(String(await measure(setUp, kind, n)))
} else {
  // --isolate: the contenders share no JIT state (inline caches of the shared loops, the bench's
  // own helpers), at the cost of a process and a warm-up per sample.
  const sample = isolate
    ? async (name, _, kind) => {
      const argv = [...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2), '--child', name, kind]
      const { stdout } = await run(process.execPath, argv)
      return Number(stdout)
    }
    : undefined
  console.log(`${n} frames per run, ${rounds} rounds${isolate ? ', a process per sample' : ''}, median per frame (the peer's own JSON work included for calls and sessions)\n`)
  console.log(await cpuRounds({ kinds, rounds, n, contenders, sample }))
}
