// Two users of the Python chat, through the gateway, with lifeline's client: alice and bob join
// room "lobby", alice sends a message (Python publishes it to the room), DMs bob (Python notifies
// him), and an empty message comes back as the backend's own error. Then both leave.
// Run the backend and the gateway first (README.md beside this file); GATEWAY_URL overrides the address.
import WebSocket from 'ws'
import { createClient } from 'lifeline-ws'

const url = process.env.GATEWAY_URL ?? 'ws://127.0.0.1:8080/ws'

/** A user: the browser would send its session cookie with the upgrade; in Node we set it. */
function user(session) {
  class WithCookie extends WebSocket {
    constructor(address, protocols) {
      super(address, protocols, { headers: { cookie: `session=${session}` } })
    }
  }
  return createClient(url, { WebSocket: WithCookie })
}

const alice = user('s-alice')
const bob = user('s-bob')
let seenByBob
const lobby = new Promise((resolve) => {
  seenByBob = resolve
})
const dm = new Promise((resolve) => bob.listen('dm', (message) => resolve(message)))
// Both in the room before anyone speaks: a topic message reaches those subscribed when it is published.
await Promise.all([bob.subscribe('room:lobby', (message) => seenByBob(message)).ready, alice.subscribe('room:lobby', () => {}).ready])

console.log('alice sent', await alice.call('chat.send', { room: 'lobby', text: 'hello, bob' }))
console.log('bob saw in the lobby', await lobby)
await alice.call('dm.send', { to: 'bob', text: 'psst' })
console.log('bob got a dm', await dm)
await alice.call('chat.send', { room: 'lobby', text: ' ' }).catch((err) => console.log('the backend refused:', err.code, err.message, err.data))
alice.close()
bob.close()
