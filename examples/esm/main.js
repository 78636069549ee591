// The whole app: one client, its state on screen, one typed-by-hand call.
import { createClient } from 'lifeline-ws'

// In dev the demo server runs inside Vite at /ws (see vite.config.js); ?server= points elsewhere.
const client = createClient(new URL(location.href).searchParams.get('server') || '/ws')

const state = document.getElementById('state')
const showState = () => { state.textContent = client.state }
client.on('state', showState)
showState()

document.getElementById('add').addEventListener('submit', async (event) => {
  event.preventDefault()
  const { a, b } = event.target.elements
  const sum = await client.call('add', { a: Number(a.value), b: Number(b.value) })
  document.getElementById('sum').textContent = String(sum)
})
