// `npm run example:svelte` (or `npx vite examples/svelte` after `npm run build`)
// serves the app and, on the same origin at /ws, the chat server.
// `npx vite build examples/svelte` bundles it; @sveltejs/vite-plugin-svelte compiles the .svelte files.
import { defineConfig } from 'vite'
import { svelte } from '@sveltejs/vite-plugin-svelte'
import { chatServer } from '../vite-example.mjs'

export default defineConfig({
  base: './',
  plugins: [svelte(), chatServer()],
})
