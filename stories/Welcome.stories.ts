/**
 * The gallery's front page: what lifeline is, what each demo shows, and how
 * to read a demo (its toolbar and its controls). A plain html story, so it
 * needs no docs addon and builds offline.
 */
import type { Meta, StoryObj } from '@storybook/html-vite'
import { h } from './lib/dom'

const demos: Array<[id: string, name: string, what: string]> = [
  ['demos-chat--alice', 'Chat', 'Rooms, presence, typing hints, and messages that show queued → sent → delivered, or "not confirmed" with a retry.'],
  ['demos-dashboard--dashboard', 'Dashboard', 'A live topic drawn as a chart: after a drop the missed ticks are replayed, so the line has no gap.'],
  ['demos-cursors--cursors', 'Cursors', 'Sixty moves a second that are dropped, never queued, while the socket is down: no stale replay.'],
  ['demos-rpc-playground--rpc-playground', 'RPC playground', 'Calls with timeouts and cancellation, and every typed error a call can reject with.'],
  ['demos-connection-lab--connection-lab', 'Connection lab', 'A timeline of states, closes and backoff: watch the heartbeat catch a blackholed socket.'],
  ['demos-sharing--sharing', 'Sharing', 'One connection for all tabs: open it in several tabs, watch one leader tab hold the only socket and the others follow.'],
  ['demos-react-hooks--react-hooks', 'React hooks', 'lifeline-ws/react: a badge, a topic and a call as hooks on one client.'],
  ['demos-vue-composables--vue-composables', 'Vue composables', 'lifeline-ws/vue: the same, as composables returning refs.'],
  ['demos-svelte-stores--svelte-stores', 'Svelte stores', 'lifeline-ws/svelte: the same, as stores read with $.'],
]

const features = [
  'Reconnect with jittered exponential backoff',
  'Heartbeats that catch dead (half-open) sockets',
  'An offline send queue, flushed in order',
  'Typed JSON-RPC 2.0 calls that always settle',
  'Server events and topics that survive reconnects',
  'ESM, CJS and a CDN script; a Node server to match',
]

const example = `import { createClient } from 'lifeline-ws'

const client = createClient('wss://example.com/ws')
client.on('state', (state) => console.log(state))   // connecting, open, reconnecting, closed
client.subscribe('ticker', (tick) => draw(tick))    // re-sent after every reconnect
const { members } = await client.call('chat.join', { room: 'lobby' })`

const render = (): HTMLElement => h('main', { class: 'welcome' },
  h('h1', {}, 'lifeline'),
  h('p', { class: 'lead' },
    'lifeline is a browser-first WebSocket client for TypeScript. It wraps the native WebSocket and adds what every real-time app ends up writing by hand: ',
    'reconnects, heartbeats, an offline queue, typed calls and subscriptions that come back on their own after the network, the laptop lid or the server goes away.'),
  h('ul', { class: 'features' }, ...features.map((feature) => h('li', {}, feature))),
  h('pre', { 'aria-label': 'Example', tabIndex: 0 }, h('code', {}, example)),

  h('section', {},
    h('h2', {}, 'The demos'),
    h('p', {}, 'Each demo is a small app talking to a real lifeline server (demo/server.mjs) through a proxy that can break the connection on purpose.'),
    h('div', { class: 'cards' }, ...demos.map(([id, name, what]) =>
      h('a', { class: 'card', href: `./?path=/story/${id}`, target: '_top' }, h('strong', {}, name), h('span', {}, what))))),

  h('section', {},
    h('h2', {}, 'How to read a demo'),
    h('dl', { class: 'how' },
      h('dt', {}, 'this client'), h('dd', {}, 'The client\'s state (connecting, open, reconnecting, closed), how many frames wait in its queue and when it retries next. Reconnect drops the socket and connects again now; Close ends the client for good (New client starts over); Send sends something, queued while the connection is down.'),
      h('dt', {}, 'server'), h('dd', {}, 'Break the server side: Cut resets every connection, Blackhole keeps it open but forwards nothing (only a heartbeat can tell), Stop and Start take the server down and up, Restart does both with 2 s in between. Then what the server reports: up or down, and its connections.'),
      h('dt', {}, 'Controls'), h('dd', {}, 'The panel under the demo sets the client\'s options: heartbeat interval and timeout, retry delays, queue size. Changing one starts the demo over with a new client.'),
    ),
    h('p', {}, 'Open a demo in two windows (Chat as Alice and as Bob, Cursors twice) to see both sides. Run it all locally with ', h('code', {}, 'npm start'), '.')),
)

const meta = {
  title: 'Welcome',
  render,
  parameters: { controls: { disable: true }, actions: { disable: true } },
} satisfies Meta

export default meta
export const Welcome: StoryObj = {}
