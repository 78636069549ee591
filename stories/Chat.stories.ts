/**
 * Chat: rooms, presence from a topic, typing indicators sent with `notify`,
 * and messages typed while offline that are delivered once the server is back.
 */
import type { Meta, StoryObj } from '@storybook/html-vite'
import type { ChatMessage } from './lib/api'
import { h, logLine } from './lib/dom'
import { clientArgTypes, clientArgs, connect, guarded, type ClientArgs } from './lib/story'
import { toolbar } from './lib/toolbar'

interface ChatArgs extends ClientArgs {
  room: string
  user: string
}

const TYPING_EVERY = 1500
const TYPING_SHOWN = 3000

const render = (args: ChatArgs): HTMLElement => {
  const client = connect(args)
  const { room, user } = args
  const list = h('ul', { class: 'messages', 'data-testid': 'messages' })
  const members = h('ul', { class: 'log', 'data-testid': 'members' })
  const typing = h('div', { class: 'typing' })
  const events = h('ul', { class: 'log' })
  const input = h('input', { placeholder: `Message #${room} as ${user}`, 'data-testid': 'chat-input', size: 40 })
  const items = new Map<string, HTMLLIElement>()

  /** Shows a message once, whether it comes from join, the topic, or our own optimistic copy. */
  const show = (m: Pick<ChatMessage, 'id' | 'user' | 'text'>, pending = false) => {
    let li = items.get(m.id)
    if (!li) {
      li = h('li', { 'data-id': m.id }, h('strong', {}, m.user), ': ', m.text)
      items.set(m.id, li)
      list.append(li)
      list.scrollTop = list.scrollHeight
    }
    li.classList.toggle('pending', pending)
    li.dataset.status = pending ? 'pending' : 'delivered'
  }

  client.subscribe(`chat:${room}`, (m) => show(m))
  const showMembers = (names: string[]) => {
    members.replaceChildren(...names.map((name) => h('li', {}, name === user ? `${name} (you)` : name)))
  }
  client.subscribe(`presence:${room}`, showMembers)
  let typingTimer: ReturnType<typeof setTimeout> | undefined
  client.listen('typing', (t) => {
    if (t.room !== room || t.user === user) return
    typing.textContent = `${t.user} is typing…`
    clearTimeout(typingTimer)
    typingTimer = setTimeout(() => { typing.textContent = '' }, TYPING_SHOWN)
  })
  // Membership lives on the connection, so every new connection joins again.
  client.on('open', () => {
    client.call('chat.join', { room, user }).then(({ messages, members: names }) => {
      // The join answer is the starting point; the presence topic then carries every change.
      showMembers(names)
      for (const m of messages) show(m)
      logLine(events, `joined #${room} (${messages.length} recent)`, 'ok')
    }, (err: Error) => logLine(events, `join failed: ${err.name}: ${err.message}`, 'error'))
  })
  client.on('drop', ({ items: frames, reason }) => logLine(events, `${frames.length} queued frame(s) dropped: ${reason}`, 'error'))
  client.on('close', ({ code, willReconnect }) => logLine(events, `socket closed ${code}${willReconnect ? ', reconnecting' : ''}`))

  let lastTyping = 0
  input.addEventListener('input', () => {
    // A typing hint is worthless later, so it is never queued: sent only while open.
    if (client.state !== 'open' || Date.now() - lastTyping < TYPING_EVERY) return
    lastTyping = Date.now()
    client.notify('chat.typing', { room, user })
  })
  const send = () => {
    const text = input.value.trim()
    if (!text) return
    const id = `${user}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`
    try {
      // notify queues while offline; the server's echo on the topic marks it delivered.
      const result = client.notify('chat.send', { id, room, user, text })
      show({ id, user, text }, true)
      if (result === 'queued') logLine(events, `queued "${text}" (${client.queued} waiting)`)
      input.value = ''
    } catch (err) {
      logLine(events, `not sent: ${(err as Error).name}: ${(err as Error).message}`, 'error')
    }
  }
  input.addEventListener('keydown', (e) => { if (e.key === 'Enter') send() })

  return h('div', { class: 'story' },
    h('h2', {}, `#${room}`),
    h('p', {}, 'Stop the server, send a few messages (they wait in the outbox, greyed), start it again: they arrive in order, once.'),
    toolbar(client),
    h('div', { class: 'cols' },
      h('div', { class: 'panel' }, list, typing, h('div', { class: 'row' }, input, h('button', { onclick: send, 'data-testid': 'chat-send' }, 'Send'))),
      h('div', { class: 'panel' }, h('strong', {}, 'Online'), members)),
    h('div', { class: 'panel' }, events),
  )
}

const meta = {
  title: 'Apps/Chat',
  render: guarded(render),
  args: { ...clientArgs, room: 'lobby', user: 'alice' },
  argTypes: {
    ...clientArgTypes,
    room: { control: 'text', description: 'Room to join', table: { category: 'app' } },
    user: { control: 'text', description: 'Your name', table: { category: 'app' } },
  },
} satisfies Meta<ChatArgs>

export default meta
type Story = StoryObj<ChatArgs>

/** Alice in the lobby. Open "Bob" in another window to chat with yourself. */
export const Alice: Story = {}
/** Bob, for a second window. */
export const Bob: Story = { args: { user: 'bob' } }
