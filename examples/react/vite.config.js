// `npm run example:react` (or `npx vite examples/react` after `npm run build`)
// serves the app and, on the same origin at /ws, the chat server.
// `npx vite build examples/react` bundles it. JSX is compiled by Vite itself
// (no React plugin needed for a build without Fast Refresh).
import { defineConfig } from 'vite'
import { chatServer } from '../vite-example.mjs'

export default defineConfig({
  base: './',
  plugins: [chatServer()],
})
