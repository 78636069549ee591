// examples/svelte: the Svelte 5 chat on lifeline-ws/svelte, built by
// @sveltejs/vite-plugin-svelte (lib/chat-example.mjs has the scenario every chat example shares).
import { chatExampleScenario } from '../lib/chat-example.mjs'

export default chatExampleScenario('svelte', 'example: Svelte chat (Vite)')
