// `npm run example:vue`: builds the library, then starts Vite with the chat
// server inside it at /ws, and prints the app's URL (examples/vite-example.mjs).
//
//   npm run example:vue                  http://127.0.0.1:5173/ (or the next free port)
//   PORT=7000 npm run example:vue        another port
//   npm run example:vue -- --no-build    skip `npm run build` (dist/ must exist)
import { startExample } from '../vite-example.mjs'

await startExample(new URL('./', import.meta.url), 'Vue chat')
