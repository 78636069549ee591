/**
 * Sharing: one connection for all tabs (`share`). Every tab showing this
 * story shares one WebSocket: the leader tab holds it, the followers talk to
 * the leader over a BroadcastChannel. The story shows this tab's role live,
 * how many tabs are open, what the demo server counts (its connections) and
 * a chat whose messages come from every tab over the one socket. Opening the
 * story in more tabs leaves the server at one connection; closing the leader's
 * tab hands the socket to another tab.
 */
import type { Meta, StoryObj } from '@storybook/html-vite'
import type { Role } from '../src/index'
import type { ChatMessage } from './lib/api'
import { control } from './lib/demo'
import { h, logLine } from './lib/dom'
import { clientArgTypes, clientArgs, connect, every, guarded, onCleanup, type ClientArgs } from './lib/story'
import { toolbar } from './lib/toolbar'

interface SharingArgs extends ClientArgs {
  channel: string
}

const ROOM = 'tabs'
const STATUS_EVERY = 1000
/** How often each tab says "still here" to the others, and how long one stays counted after its last word. */
const HELLO_EVERY = 1000
const HELLO_FORGET = 2500

const roleText: Record<Role, string> = {
  leader: 'leader: this tab holds the socket',
  follower: 'follower: this tab talks through the leader',
  alone: 'alone: this browser cannot share (no Web Locks or BroadcastChannel), so this tab has a socket of its own',
}

/** A short name for this tab, so messages and the log can say which tab did what. */
const tabName = () => `tab ${Math.random().toString(36).slice(2, 6)}`

/**
 * Counts the tabs showing this story: each tab says hello on a BroadcastChannel of its own
 * (the demo's, not lifeline's) every second, and forgets tabs it has not heard from for a while.
 */
function countTabs(me: string, show: (count: number) => void): void {
  if (typeof BroadcastChannel !== 'function') return show(1)
  const channel = new BroadcastChannel('lifeline-gallery-sharing-tabs')
  const seen = new Map<string, number>()
  const update = () => {
    const now = Date.now()
    for (const [name, at] of seen) if (now - at > HELLO_FORGET) seen.delete(name)
    show(seen.size + 1)
  }
  channel.onmessage = (event: MessageEvent<unknown>) => {
    const data = event.data as { tab?: unknown; bye?: unknown } | null
    if (typeof data?.tab !== 'string' || data.tab === me) return
    if (data.bye === true) seen.delete(data.tab)
    else seen.set(data.tab, Date.now())
    update()
  }
  const hello = () => channel.postMessage({ tab: me })
  const bye = () => channel.postMessage({ tab: me, bye: true })
  hello()
  every(HELLO_EVERY, () => {
    hello()
    update()
  })
  window.addEventListener('pagehide', bye)
  onCleanup(() => {
    window.removeEventListener('pagehide', bye)
    bye()
    channel.close()
  })
}

const render = (args: SharingArgs): HTMLElement => {
  const client = connect(args, { share: args.channel })
  const me = tabName()
  const role = h('span', { class: 'pill role', 'data-testid': 'role', 'data-role': client.role }, client.role)
  const roleDetail = h('span', { class: 'muted', 'data-testid': 'role-detail' }, roleText[client.role])
  const tabs = h('dd', { 'data-testid': 'tabs' }, '1')
  const connections = h('dd', { 'data-testid': 'connections' }, '…')
  const handover = h('dd', { 'data-testid': 'handover' }, '-')
  const events = h('ul', { class: 'log', tabIndex: 0, 'data-testid': 'events', 'aria-label': 'Role and connection events' })
  const list = h('ul', { class: 'messages', tabIndex: 0, 'data-testid': 'messages', 'aria-label': 'Messages from every tab' })
  const input = h('input', { placeholder: `Message every tab as ${me}`, 'aria-label': 'Message', 'data-testid': 'chat-input', class: 'grow' })
  const shown = new Set<string>()
  let counter = 0

  const showRole = (next: Role) => {
    role.textContent = next
    role.dataset.role = next
    roleDetail.textContent = roleText[next]
  }
  // When this tab takes over, how long the tabs were without an open socket.
  let lostAt: number | undefined
  client.on('role', (next, prev) => {
    showRole(next)
    logLine(events, `role ${prev} → ${next}`, next === 'leader' ? 'ok' : '')
  })
  client.on('state', (state, prev) => {
    if (prev === 'open' && state !== 'open') lostAt = performance.now()
    if (state === 'open' && lostAt !== undefined) {
      const ms = Math.round(performance.now() - lostAt)
      lostAt = undefined
      if (client.role === 'leader') handover.textContent = `${ms} ms`
      logLine(events, `socket open again after ${ms} ms${client.role === 'leader' ? ' (this tab took over)' : ''}`, 'ok')
    }
    if (state === 'open') join()
  })

  const show = (m: Pick<ChatMessage, 'id' | 'user' | 'text'>) => {
    if (shown.has(m.id)) return
    shown.add(m.id)
    list.append(h('li', { 'data-id': m.id }, h('span', { class: 'text' }, h('strong', {}, m.user === me ? `${m.user} (this tab)` : m.user), ': ', m.text)))
    list.scrollTop = list.scrollHeight
  }
  client.subscribe(`chat:${ROOM}`, show)
  // The recent messages, once per open: a tab that joins late sees what was said.
  const join = () => {
    client.call('chat.join', { room: ROOM, user: me }).then(({ messages }) => { for (const m of messages) show(m) },
      (err: Error) => logLine(events, `loading the recent messages failed: ${err.name}: ${err.message}`, 'error'))
  }
  if (client.state === 'open') join()
  const post = (text: string) => {
    const id = `${me.replace(' ', '-')}-${Date.now().toString(36)}-${++counter}`
    // From a follower the call goes through the leader's socket; its reply comes back to this tab only.
    client.call('chat.send', { id, room: ROOM, user: me, text }).then(
      () => logLine(events, `"${text}" delivered`),
      (err: Error) => logLine(events, `"${text}" not confirmed: ${err.name}: ${err.message}`, 'error'),
    )
  }
  const send = () => {
    const text = input.value.trim()
    if (!text) return
    post(text)
    input.value = ''
  }
  input.addEventListener('keydown', (e) => { if (e.key === 'Enter') send() })

  const refresh = () => control('status').then(
    (s) => { connections.textContent = s.up ? String(s.connections) : 'server down' },
    (err: Error) => { connections.textContent = `unreachable (${err.message})` },
  )
  every(STATUS_EVERY, () => { void refresh() })
  void refresh()
  countTabs(me, (count) => { tabs.textContent = String(count) })

  return h('main', { class: 'story' },
    h('h1', {}, 'Sharing · one connection for all tabs'),
    h('p', {}, 'This client is created with ', h('code', {}, `share: '${args.channel}'`), '. Every tab of this story on this origin shares one WebSocket: one tab is the leader and holds the socket, the others are followers and reach the server through it (Web Locks elect the leader, a BroadcastChannel carries the frames). Open the story in two or three more tabs and watch the server\'s connection count stay at 1. Close the leader\'s tab: another tab takes over, opens the socket and resumes the session, and the chat goes on.'),
    h('div', { class: 'row' },
      h('a', { class: 'button primary', href: location.href, target: '_blank', rel: 'noopener', 'data-testid': 'open-tab' }, 'Open this story in a new tab'),
      h('span', { class: 'muted' }, 'Opens the story on its own (without the gallery around it), as another tab of the same page.')),
    toolbar(client, { label: 'Send test message', title: 'Posts a numbered message to every tab, like typing one and pressing Enter', run: () => post(`test message ${counter + 1} from ${me}`) }),
    h('div', { class: 'cols' },
      h('div', { class: 'panel' }, h('h2', {}, 'Messages from every tab'), list,
        h('div', { class: 'row' }, input, h('button', { onclick: send, class: 'primary', 'data-testid': 'chat-send' }, 'Send'))),
      h('div', { class: 'panel' }, h('h2', {}, `This tab: ${me}`),
        h('p', { class: 'row', role: 'status' }, role, roleDetail),
        h('dl', { class: 'stats' },
          h('dt', {}, 'tabs open'), tabs,
          h('dt', {}, 'server connections'), connections,
          h('dt', {}, 'last take-over'), handover))),
    h('div', { class: 'panel' }, h('h2', {}, 'Events'), events),
  )
}

const meta = {
  title: 'Demos/Sharing',
  render: guarded(render),
  args: { ...clientArgs, channel: 'gallery' },
  argTypes: {
    ...clientArgTypes,
    channel: {
      name: 'Share name', control: 'text',
      description: 'The `share` option: tabs with the same socket URL and the same name share one connection. Give two tabs different names to see two connections.',
      table: { category: 'This demo' },
    },
  },
} satisfies Meta<SharingArgs>

export default meta
type Story = StoryObj<SharingArgs>

/** One shared connection; open the story in more tabs to see it. */
export const Sharing: Story = { name: 'Sharing' }
