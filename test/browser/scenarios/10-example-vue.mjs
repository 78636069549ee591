// examples/vue: the Vue chat on lifeline-ws/vue, single-file components built
// by @vitejs/plugin-vue (lib/chat-example.mjs has the scenario every chat example shares).
import { chatExampleScenario } from '../lib/chat-example.mjs'

export default chatExampleScenario('vue', 'example: Vue chat (Vite)')
