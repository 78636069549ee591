// A server of bench/lib/capacity-server.mjs in a process of its own, asked over IPC (bench/capacity.mjs,
// bench/server-cpu.mjs).
import { fork } from 'node:child_process'

/**
 * Forks capacity-server.mjs with `args` (its kind, dist and options) under `--expose-gc` and `execArgv`.
 * `listening` resolves with its port, or rejects if it exits first; `ask(cmd)` resolves with its answer.
 */
export function forkServer(args, execArgv = []) {
  const child = fork(new URL('./capacity-server.mjs', import.meta.url), args, {
    execArgv: ['--expose-gc', ...execArgv],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const answers = []
  child.on('message', (message) => answers.shift()?.(message))
  const ask = (message) => new Promise((resolve) => {
    answers.push(resolve)
    child.send(message)
  })
  const listening = new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`${args[0]} server exited with ${code}`)))
    answers.push(({ port }) => resolve(port))
  })
  return { child, ask, listening }
}
