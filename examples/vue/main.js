// The whole app: one client created outside the components, installed with
// the plugin (which connects it once the app is mounted), and the chat.
import { createApp } from 'vue'
import { createClient } from 'lifeline-ws'
import { createLifeline } from 'lifeline-ws/vue'
import App from './App.vue'
// The look the three chat examples share (react/, vue/, svelte/).
import '../chat.css'

// In dev the chat server runs inside Vite at /ws (vite.config.js); ?server= points elsewhere.
// lazy: the plugin connects when the app mounts, so rendering alone (SSR) never opens a socket.
const client = createClient(new URL(location.href).searchParams.get('server') || '/ws', { lazy: true })

createApp(App).use(createLifeline(client)).mount('#app')
