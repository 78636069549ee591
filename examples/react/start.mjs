// `npm run example:react`: builds the library (the app imports `lifeline-ws`
// and `lifeline-ws/react` like any npm package, i.e. from dist/), then starts
// Vite with the chat server inside it at /ws, and prints the app's URL.
//
//   npm run example:react                  http://127.0.0.1:5173/ (or the next free port)
//   PORT=7000 npm run example:react        another port
//   npm run example:react -- --no-build    skip `npm run build` (dist/ must exist)
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../', import.meta.url))

if (!process.argv.includes('--no-build')) {
  console.log('lifeline: building the library (npm run build)…')
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' })
  if (build.status !== 0) process.exit(build.status ?? 1)
}

const { createServer } = await import('vite')
const vite = await createServer({
  root: fileURLToPath(new URL('./', import.meta.url)),
  server: { host: '127.0.0.1', port: Number(process.env.PORT ?? 5173) },
})
await vite.listen()
console.log(`
  lifeline React chat:  ${vite.resolvedUrls?.local[0] ?? '(no url)'}
  Open it in two tabs and chat; stop the server to watch the badge. Ctrl+C stops it.
`)
const stop = async () => {
  await vite.close()
  process.exit(0)
}
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
