// The page of examples/chat: a room's messages from a topic, sends as calls. No framework.
// ?room=NAME and ?name=NAME in the page's URL choose the room and who you are.
const { createClient } = window.Lifeline
const query = new URL(location.href).searchParams
const room = query.get('room') || 'lobby'
const name = query.get('name') || `guest-${Math.random().toString(36).slice(2, 6)}`

// Same origin, at /ws. A chat wants the server back soon after a restart: retries every 0.2 to 5 s.
const client = createClient(new URL('/ws', location.href).href.replace(/^http/, 'ws'), {
  reconnect: { initialDelay: 200, maxDelay: 5000 },
})

const list = document.getElementById('messages')
const state = document.getElementById('state')
const showState = () => {
  state.textContent = client.state
  state.className = `badge ${client.state}`
}
client.on('state', showState)
showState()

// Every message of the room, once and in the server's order: the client resumes the topic from the
// last seq it saw, and the server's history (a file) replays what came after, across its restarts.
client.subscribe(`room:${room}`, (message, { seq }) => {
  const item = document.createElement('li')
  item.dataset.seq = String(seq)
  item.dataset.id = message.id
  const from = document.createElement('b')
  from.textContent = message.from
  item.append(from, message.text)
  list.append(item)
}, {
  // Only when the server lost messages (a history in memory, a restart): say so rather than hide it.
  onGap: () => { document.getElementById('gap').hidden = false },
})

// An id of the page's own makes a send safe to write twice: the server publishes each id once.
let sent = 0
const newId = () => `${name}-${Date.now().toString(36)}-${(sent++).toString(36)}-${Math.random().toString(36).slice(2, 8)}`

/** Send one message; it shows when it comes back through the room's topic, like everyone else's. */
function send(text) {
  // resend: a send in flight when the server died is written again to the next one (its session died
  // with the process), instead of failing with OutcomeUnknownError. Waiting for a server to come back
  // can take a while: five minutes before giving up.
  return client.call('chat.send', { id: newId(), room, from: name, text }, { resend: true, timeout: 300_000 })
}

document.getElementById('send').addEventListener('submit', (event) => {
  event.preventDefault()
  const input = event.target.elements.text
  const text = input.value
  input.value = ''
  send(text).catch((err) => {
    const failed = document.getElementById('failed')
    failed.hidden = false
    failed.textContent = `Not sent (${err.name}): ${text}`
  })
})

// For the browser tests (test/browser/scenarios/17-example-chat.mjs) and the console.
window.chat = { client, send, room, name }
