// `node bench/runtimes.mjs` (after `npm run build`): lifeline servers in Node, Deno and Bun, in one
// run; in Deno and Bun twice, lifeline-ws/server on ws (their Node compatibility) and the native
// entry (lifeline-ws/server/deno, /bun). Two tables, as ratios to Node and native to ws:
// 1. the platform: a server with a lifeline client in the same process (runtime-load.mjs), 10,000
//    calls (100 in flight) and 20,000 notifications, median of 5 rounds;
// 2. the server alone (runtime-server.mjs), driven from a Node process by light raw clients
//    (lib/runtime-driver.mjs): 20,000 calls on 4 sockets, a fan-out of 200 messages to 200
//    subscribers, median of 5 rounds, and the server's RSS per idle connection (4,000).
// Every configuration runs REPEATS times, the configurations taking turns (so that a busy moment of
// the machine does not fall on one of them), and each number is the median of its runs.
// The numbers are this machine's; docs/benchmarks.md ("Runtimes") keeps a run.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { findRuntime } from '../test/runtimes/binaries.mjs'
import { driveServer } from './lib/runtime-driver.mjs'

const REPEATS = Number(process.env.REPEATS ?? 3)
const deno = findRuntime('deno').path
const bun = findRuntime('bun').path
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
const ratio = (value, base) => `${(base / value).toFixed(2)}x`
const serverName = (row) => (row.server === 'ws' ? 'lifeline-ws/server (ws)' : `lifeline-ws/server/${row.runtime}`)
/** The medians of every numeric field over one configuration's runs. */
const medians = (runs) => Object.fromEntries(Object.keys(runs[0]).map((key) => [key, typeof runs[0][key] == 'number' ? median(runs.map((run) => run[key])) : runs[0][key]]))

async function measure(configs, run) {
  const runs = configs.map(() => [])
  for (let repeat = 0; repeat < REPEATS; repeat++) {
    for (const [index, config] of configs.entries()) runs[index].push(await run(config))
  }
  return configs.map(([runtime, server], index) => ({ runtime, server, ...medians(runs[index]) }))
}

const load = fileURLToPath(new URL('./runtime-load.mjs', import.meta.url))
const inProcess = await measure(
  [
    ['node', 'ws', process.execPath, [load]],
    ['deno', 'ws', deno, ['run', '-A', load]],
    ['deno', 'native', deno, ['run', '-A', load, 'native']],
    ['bun', 'ws', bun, [load]],
    ['bun', 'native', bun, [load, 'native']],
  ],
  ([, , command, args]) => {
    const result = spawnSync(command, args, { encoding: 'utf8', timeout: 300_000 })
    const line = result.stdout.trim().split('\n').at(-1)
    if (result.status !== 0 || !line?.startsWith('{')) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr || result.stdout}`)
    return JSON.parse(line)
  },
)

const serverAlone = fileURLToPath(new URL('./runtime-server.mjs', import.meta.url))
const alone = await measure(
  [
    ['node', 'ws', process.execPath, ['--expose-gc', serverAlone]],
    ['deno', 'ws', deno, ['run', '-A', '--v8-flags=--expose-gc', serverAlone]],
    ['deno', 'native', deno, ['run', '-A', '--v8-flags=--expose-gc', serverAlone, 'native']],
    ['bun', 'ws', bun, [serverAlone]],
    ['bun', 'native', bun, [serverAlone, 'native']],
  ],
  ([, , command, args]) => driveServer(command, args, 5),
)

const versions = Object.fromEntries(inProcess.map((row) => [row.runtime, row.version]))
const onWs = (rows, row) => rows.find((other) => other.runtime === row.runtime && other.server === 'ws')
const [node] = inProcess
console.log(`${REPEATS} runs of each, medians. ${Object.values(versions).join(', ')}`)
console.log('\n| runtime | server | 10,000 calls (ms) | calls/s | vs Node | vs ws | 20,000 notifications (ms) | notifications/s | vs Node | vs ws |')
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |')
for (const row of inProcess) {
  const ws = onWs(inProcess, row)
  console.log(
    `| ${row.runtime} | ${serverName(row)} | ${row.callsMs.toFixed(0)} | ${Math.round(row.calls / (row.callsMs / 1000))} | ${ratio(row.callsMs, node.callsMs)} | ${ratio(row.callsMs, ws.callsMs)} | ` +
      `${row.notificationsMs.toFixed(0)} | ${Math.round(row.notifications / (row.notificationsMs / 1000))} | ${ratio(row.notificationsMs, node.notificationsMs)} | ${ratio(row.notificationsMs, ws.notificationsMs)} |`,
  )
}
const [nodeAlone] = alone
console.log('\n| runtime | server | 20,000 calls (ms) | calls/s | vs Node | vs ws | fan-out, 40,000 deliveries (ms) | vs Node | vs ws | RSS per idle connection | vs ws |')
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |')
for (const row of alone) {
  const ws = onWs(alone, row)
  console.log(
    `| ${row.runtime} | ${serverName(row)} | ${row.callsMs.toFixed(0)} | ${Math.round(row.calls / (row.callsMs / 1000))} | ${ratio(row.callsMs, nodeAlone.callsMs)} | ${ratio(row.callsMs, ws.callsMs)} | ` +
      `${row.fanOutMs.toFixed(0)} | ${ratio(row.fanOutMs, nodeAlone.fanOutMs)} | ${ratio(row.fanOutMs, ws.fanOutMs)} | ${(row.perConnection / 1024).toFixed(1)} KiB | ${ratio(row.perConnection, ws.perConnection)} |`,
  )
}
