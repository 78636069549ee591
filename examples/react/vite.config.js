// `npm run example:react` (or `npx vite examples/react` after `npm run build`)
// serves the app and, on the same origin at /ws, the chat server.
// `npx vite build examples/react` bundles it. JSX is compiled by Vite itself
// (no React plugin needed for a build without Fast Refresh).
import { defineConfig } from 'vite'

export default defineConfig({
  base: './',
  plugins: [{
    name: 'lifeline-chat-server',
    configureServer: (server) => attachChat(server.httpServer),
    configurePreviewServer: (server) => attachChat(server.httpServer),
  }],
})

// The chat server takes only upgrades to /ws and leaves Vite's own (HMR) alone.
async function attachChat(httpServer) {
  if (!httpServer) return
  const { createChatServer } = await import('./server.mjs')
  const chat = createChatServer({ noServer: true, path: '/ws' })
  httpServer.on('upgrade', (request, socket, head) => chat.server.handleUpgrade(request, socket, head))
  httpServer.on('close', () => chat.close())
}
