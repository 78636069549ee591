// `npm run example:vue` (or `npx vite examples/vue` after `npm run build`)
// serves the app and, on the same origin at /ws, the chat server.
// `npx vite build examples/vue` bundles it; @vitejs/plugin-vue compiles the .vue files.
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import { chatServer } from '../vite-example.mjs'

export default defineConfig({
  base: './',
  plugins: [vue(), chatServer()],
})
