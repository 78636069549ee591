/**
 * Chat: rooms, presence from a topic, typing indicators sent with `notify`,
 * and messages with a visible delivery state: queued while the socket is not
 * open, sent once written, delivered when the server's reply confirms it, and
 * "not confirmed" (with a retry) when the call fails, so a message lost in a
 * blackhole is never shown as if it were on its way.
 */
import type { Meta, StoryObj } from '@storybook/html-vite'
import type { ChatMessage } from './lib/api'
import { h, logLine } from './lib/dom'
import { clientArgTypes, clientArgs, connect, guarded, type ClientArgs } from './lib/story'
import { toolbar } from './lib/toolbar'

interface ChatArgs extends ClientArgs {
  room: string
  user: string
  sendTimeout: number
}

type Delivery = 'queued' | 'sent' | 'delivered' | 'failed'

const TYPING_EVERY = 1500
const TYPING_SHOWN = 3000

const deliveryText: Record<Delivery, string> = {
  queued: 'queued',
  sent: 'sent',
  delivered: 'delivered',
  failed: 'not confirmed',
}

const deliveryTitle: Record<Delivery, string> = {
  queued: 'Waiting in the client outbox: the socket is not open',
  sent: 'Written to the socket; the server has not confirmed it yet',
  delivered: 'The server confirmed it (reply to chat.send, or its echo on the room topic)',
  failed: 'The call failed or timed out, so nobody confirmed it: it may or may not have arrived. Retry is safe (the server ignores a repeated id).',
}

/** The legend under the messages: one short line per state. */
const deliveryLegend: Record<Delivery, string> = {
  queued: 'in the client outbox',
  sent: 'on the socket',
  delivered: 'confirmed by the server',
  failed: 'lost or unknown: retry',
}

const render = (args: ChatArgs): HTMLElement => {
  const client = connect(args)
  const { room, user } = args
  const list = h('ul', { class: 'messages', tabIndex: 0, 'data-testid': 'messages', 'aria-label': `Messages in #${room}` })
  const members = h('ul', { class: 'log', tabIndex: 0, 'data-testid': 'members' })
  const typing = h('div', { class: 'typing', 'aria-live': 'polite' })
  const events = h('ul', { class: 'log', tabIndex: 0, 'aria-label': 'Chat events' })
  const input = h('input', { placeholder: `Message #${room} as ${user}`, 'data-testid': 'chat-input', class: 'grow' })
  const items = new Map<string, { li: HTMLLIElement; badge: HTMLElement; retry: HTMLButtonElement }>()
  /** Our own messages not yet confirmed, with the text needed to retry. */
  const mine = new Map<string, { text: string; status: Delivery }>()
  let counter = 0

  const setStatus = (id: string, status: Delivery) => {
    const item = items.get(id)
    const own = mine.get(id)
    if (!item) return
    // A confirmation is final: a late timeout or a duplicate echo never takes "delivered" back.
    if (item.li.dataset.status === 'delivered') return
    item.li.dataset.status = status
    item.badge.dataset.status = status
    item.badge.textContent = deliveryText[status]
    item.badge.title = deliveryTitle[status]
    item.retry.hidden = status !== 'failed'
    if (own) own.status = status
  }

  /** Shows a message once, whether it comes from join, the topic, or our own optimistic copy. */
  const show = (m: Pick<ChatMessage, 'id' | 'user' | 'text'>, status: Delivery) => {
    if (!items.has(m.id)) {
      const badge = h('span', { class: 'delivery' })
      const retry = h('button', { class: 'small', hidden: true, 'data-testid': 'retry', onclick: () => deliver(m.id) }, 'Retry')
      const li = h('li', { 'data-id': m.id }, h('span', { class: 'text' }, h('strong', {}, m.user), ': ', m.text), badge, retry)
      items.set(m.id, { li, badge, retry })
      list.append(li)
      list.scrollTop = list.scrollHeight
    }
    setStatus(m.id, status)
  }

  /** Sends (or re-sends) one of our messages; the call's reply is the delivery receipt. */
  const deliver = (id: string) => {
    const own = mine.get(id)
    if (!own) return
    // Written now if the socket is open; otherwise it waits in the outbox until the next open.
    setStatus(id, client.state === 'open' ? 'sent' : 'queued')
    client.call('chat.send', { id, room, user, text: own.text }, { timeout: args.sendTimeout }).then(
      () => setStatus(id, 'delivered'),
      (err: Error) => {
        if (mine.get(id)?.status === 'delivered') return
        setStatus(id, 'failed')
        logLine(events, `"${own.text}" not confirmed: ${err.name}: ${err.message}`, 'error')
      },
    )
  }

  client.subscribe(`chat:${room}`, (m) => show(m, 'delivered'))
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
    // The outbox is flushed before `open` is emitted: whatever was queued has now been written.
    for (const [id, own] of mine) if (own.status === 'queued') setStatus(id, 'sent')
    client.call('chat.join', { room, user }).then(({ messages, members: names }) => {
      // The join answer is the starting point; the presence topic then carries every change.
      showMembers(names)
      for (const m of messages) show(m, 'delivered')
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
  const post = (text: string) => {
    const id = `${user}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`
    mine.set(id, { text, status: 'queued' })
    show({ id, user, text }, 'queued')
    deliver(id)
  }
  const send = () => {
    const text = input.value.trim()
    if (!text) return
    post(text)
    input.value = ''
  }
  input.addEventListener('keydown', (e) => { if (e.key === 'Enter') send() })

  const legend = h('div', { class: 'legend', 'aria-label': 'Delivery states' },
    ...(['queued', 'sent', 'delivered', 'failed'] as const).map((status) =>
      h('span', {}, h('span', { class: 'delivery', 'data-status': status }, deliveryText[status]), ' ', deliveryLegend[status])))

  return h('main', { class: 'story' },
    h('h1', {}, `Chat · #${room}`),
    h('p', {}, 'Each of your messages shows where it is: queued in the client, sent on the socket, delivered once the server replies. Stop the server and send: the message waits as "queued" and goes out on reconnect, once. Blackhole right after sending: the message stays "sent" until the heartbeat replaces the silent socket, then the session resumes and it reads "delivered"; a message that cannot be confirmed in time reads "not confirmed", with a retry.'),
    toolbar(client, { label: 'Send test message', title: 'Posts a numbered message, like typing one and pressing Enter', run: () => post(`test message ${++counter} from ${user}`) }),
    h('div', { class: 'cols' },
      h('div', { class: 'panel' }, list, typing,
        h('div', { class: 'row' }, input, h('button', { onclick: send, class: 'primary', 'data-testid': 'chat-send' }, 'Send')),
        h('div', { style: 'margin-top:8px' }, legend)),
      h('div', { class: 'panel' }, h('h2', {}, 'Online'), members)),
    h('div', { class: 'panel' }, h('h2', {}, 'Events'), events),
  )
}

const meta = {
  title: 'Demos/Chat',
  render: guarded(render),
  args: { ...clientArgs, room: 'lobby', user: 'alice', sendTimeout: 15000 },
  argTypes: {
    ...clientArgTypes,
    room: { name: 'Room', control: 'text', description: 'Room to join; open the other story in a second window with the same room to talk.', table: { category: 'This demo' } },
    user: { name: 'Your name', control: 'text', description: 'Shown next to your messages and in the member list.', table: { category: 'This demo' } },
    sendTimeout: {
      name: 'Delivery timeout (ms)', control: { type: 'number', min: 500, step: 500 },
      description: 'How long a message waits for the server\'s confirmation (the `timeout` of its `chat.send` call) before it reads "not confirmed".',
      table: { category: 'This demo' },
    },
  },
} satisfies Meta<ChatArgs>

export default meta
type Story = StoryObj<ChatArgs>

/** Alice in the lobby. Open "Bob" in another window to chat with yourself. */
export const Alice: Story = { name: 'Alice' }
/** Bob, for a second window. */
export const Bob: Story = { name: 'Bob', args: { user: 'bob' } }
