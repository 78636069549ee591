// `npx vite examples/esm` serves the app and, on the same origin at /ws, the
// demo lifeline server, so `npm run dev`-style work needs one command.
// `npx vite build examples/esm` bundles it; `lifeline-ws` resolves like any
// npm package (in this repository, to the package itself).
import { defineConfig } from 'vite'

export default defineConfig({
  base: './',
  plugins: [{
    name: 'lifeline-demo-server',
    configureServer: (server) => attachDemo(server.httpServer),
    configurePreviewServer: (server) => attachDemo(server.httpServer),
  }],
})

// The demo server takes only upgrades to /ws and leaves Vite's own (HMR) alone.
async function attachDemo(httpServer) {
  if (!httpServer) return
  const { createDemoServer } = await import('../server.mjs')
  const demo = createDemoServer({ noServer: true, path: '/ws' })
  httpServer.on('upgrade', (request, socket, head) => demo.server.handleUpgrade(request, socket, head))
  httpServer.on('close', () => demo.close())
}
