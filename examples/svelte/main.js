// The whole app: one client created outside the components, handed to the
// root, which sets it in Svelte's context (and connects it once mounted).
import { mount } from 'svelte'
import { createClient } from 'lifeline-ws'
import App from './App.svelte'
// The look the three chat examples share (react/, vue/, svelte/).
import '../chat.css'

// In dev the chat server runs inside Vite at /ws (vite.config.js); ?server= points elsewhere.
// lazy: setLifeline connects on mount, so a server render never opens a socket.
const client = createClient(new URL(location.href).searchParams.get('server') || '/ws', { lazy: true })

mount(App, { target: document.getElementById('app'), props: { client } })
