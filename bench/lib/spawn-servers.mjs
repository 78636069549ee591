// Starts bench/lib/servers.mjs in a child process and hands back its URLs.
import { fork } from 'node:child_process'

/**
 * @param options.profileDir run the servers under `--cpu-prof` and write their profile there when stopped
 * @returns {Promise<{ urls: Record<string, string>, stop(): Promise<void> | void }>}
 */
export function startServers({ profileDir } = {}) {
  const execArgv = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []
  const child = fork(new URL('./servers.mjs', import.meta.url), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv })
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`bench servers exited with ${code}`)))
    child.once('message', ({ ports }) => {
      const ws = `ws://127.0.0.1:${ports.ws}`
      resolve({
        urls: {
          echo: `${ws}/echo`, rpc: `${ws}/rpc`, blackhole: `${ws}/blackhole`, sio: `http://127.0.0.1:${ports.sio}`, rpcws: `ws://127.0.0.1:${ports.rpcws}`,
          // lifeline-ws/server, with and without sessions (absent before `npm run build`).
          ...(ports.session ? { session: `ws://127.0.0.1:${ports.session}`, sessionless: `ws://127.0.0.1:${ports.sessionless}` } : {}),
          ...(ports.sessionCompare ? { sessionCompare: `ws://127.0.0.1:${ports.sessionCompare}` } : {}),
        },
        stop: () => {
          child.removeAllListeners('exit')
          if (!profileDir) return child.kill()
          // A profiled child writes its profile on a normal exit: servers.mjs exits when disconnected.
          const exited = new Promise((done) => child.once('exit', done))
          child.disconnect()
          return exited
        },
      })
    })
  })
}
