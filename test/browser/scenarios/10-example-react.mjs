// examples/react: the React chat, rendered under StrictMode, so the one socket
// and the one subscribe also show that the double mount reaches nothing
// (lib/chat-example.mjs has the scenario every chat example shares).
import { chatExampleScenario } from '../lib/chat-example.mjs'

export default chatExampleScenario('react', 'example: React chat (Vite)')
