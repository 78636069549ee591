// The whole app: one client created outside React (so StrictMode's double
// mount opens one socket), a connection badge, the chat topic, two calls.
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { createClient } from 'lifeline-ws'
import { LifelineProvider } from 'lifeline-ws/react'
import { App } from './App.jsx'
// The look the three chat examples share (react/, vue/, svelte/).
import '../chat.css'

// In dev the chat server runs inside Vite at /ws (vite.config.js); ?server= points elsewhere.
// lazy: the provider connects after mount, so rendering alone never opens a socket.
const client = createClient(new URL(location.href).searchParams.get('server') || '/ws', { lazy: true })

createRoot(document.getElementById('root')).render(
  <StrictMode>
    <LifelineProvider client={client}>
      <App />
    </LifelineProvider>
  </StrictMode>,
)
