// What the Vite chat examples (react/, vue/, svelte/) share: the chat server
// mounted inside Vite at /ws, and the start script that builds the library and
// serves one of them. Each example's vite.config.js adds its framework's plugin.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/**
 * A Vite plugin that serves the chat server (react/server.mjs) at /ws, on the
 * dev and preview servers, leaving Vite's own upgrades (HMR) alone.
 * @returns {import('vite').Plugin}
 */
export function chatServer() {
  return {
    name: 'lifeline-chat-server',
    configureServer: (server) => attachChat(server.httpServer),
    configurePreviewServer: (server) => attachChat(server.httpServer),
  }
}

async function attachChat(httpServer) {
  if (!httpServer) return
  // Imported when the server starts: it loads the built lifeline-ws/server.
  const { createChatServer } = await import('./react/server.mjs')
  const chat = createChatServer({ noServer: true, path: '/ws' })
  httpServer.on('upgrade', (request, socket, head) => chat.server.handleUpgrade(request, socket, head))
  httpServer.on('close', () => chat.close())
}

/**
 * `npm run example:<name>`: builds the library (the app imports `lifeline-ws`
 * like any npm package, i.e. from dist/) unless `--no-build`, starts Vite on
 * the example's folder and prints its URL; Ctrl+C stops it.
 * @param {URL} folder the example's folder
 * @param {string} title what the banner calls it
 */
export async function startExample(folder, title) {
  const root = fileURLToPath(new URL('../', import.meta.url))
  if (!process.argv.includes('--no-build')) {
    console.log('lifeline: building the library (npm run build)…')
    const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' })
    if (build.status !== 0) process.exit(build.status ?? 1)
  }
  const { createServer } = await import('vite')
  const vite = await createServer({
    root: fileURLToPath(folder),
    server: { host: '127.0.0.1', port: Number(process.env.PORT ?? 5173) },
  })
  await vite.listen()
  console.log(`
  lifeline ${title}:  ${vite.resolvedUrls?.local[0] ?? '(no url)'}
  Open it in two tabs and chat; stop the server to watch the badge. Ctrl+C stops it.
`)
  const stop = async () => {
    await vite.close()
    process.exit(0)
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}
