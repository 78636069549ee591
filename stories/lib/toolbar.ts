/**
 * The strip on top of every story, in two labelled groups: "this client"
 * (its state, queue and next retry, and buttons that act on it) and
 * "server" (buttons that break the server side of the connection, and what
 * the demo server reports).
 * Each app can be watched surviving a cut, a blackhole or a server restart.
 * @internal
 */
import type { Client } from '../../src/index'
import type { DemoApi } from './api'
import { control, type ControlAction, type ServerStatus } from './demo'
import { h } from './dom'
import { every, remount } from './story'

const serverActions: Array<[ControlAction, string, string]> = [
  ['reset', 'Cut', 'Reset every connection (TCP RST), as when a NAT or proxy drops it'],
  ['blackhole', 'Blackhole', 'Keep connections open but forward nothing: only the heartbeat can tell'],
  ['stop', 'Stop', 'Close the socket server (clients get 1012) and refuse new connections'],
  ['start', 'Start', 'Listen again on the same port'],
  ['restart', 'Restart', 'Stop, wait 2 s, start'],
]

/** The story's own "send" button in the client group. */
export interface SendAction {
  label: string
  title: string
  run: () => void
}

let groups = 0

/** A labelled group of buttons; the label is visible and names the group for screen readers. */
function group(label: string, ...children: Node[]): HTMLElement {
  const id = `toolbar-group-${++groups}`
  return h('div', { class: 'group', role: 'group', 'aria-labelledby': id },
    h('span', { class: 'group-label', id }, label), ...children)
}

/**
 * The toolbar for `client`. `send` is the story's own send action; without
 * one, "Send ping" sends a one-way `lab.ping` (queued while not open).
 */
export function toolbar(client: Client<DemoApi>, send?: SendAction): HTMLElement {
  const state = h('span', { class: 'pill', 'data-testid': 'state', 'data-state': client.state }, client.state)
  const detail = h('span', { class: 'muted', 'data-testid': 'retry' })
  const queued = h('strong', { 'data-testid': 'queued' }, '0')
  const server = h('span', { class: 'server-status', 'data-testid': 'server', role: 'status' })
  const show = (s: ServerStatus) => {
    server.dataset.up = String(s.up)
    server.textContent = `${s.up ? 'up' : 'down'} · ${s.connections} conn${s.blackholed ? ` (${s.blackholed} blackholed)` : ''}`
  }
  const fail = (err: unknown) => {
    server.dataset.up = 'unknown'
    server.textContent = `unreachable (${(err as Error).message}): run the gallery with npm start`
  }
  // Only the answer to the latest request is shown: an older one (a poll sent before Start) would
  // put back a count from before the client reconnected.
  let asked = 0
  const ask = (action: ControlAction, query?: Record<string, number>) => {
    const mine = ++asked
    control(action, query).then((s) => {
      if (mine === asked) show(s)
    }, (err: unknown) => {
      if (mine === asked) fail(err)
    })
  }

  const close = h('button', { title: 'client.close(): final, no more retries; every pending call settles', 'data-action': 'close' }, 'Close')
  const again = h('button', { title: 'Start this story over with a new client', 'data-action': 'new-client', hidden: true, onclick: remount }, 'New client')
  const reconnect = h('button', { title: 'client.reconnect(): drop the socket now and reconnect, backoff reset', 'data-action': 'reconnect', onclick: () => client.reconnect() }, 'Reconnect')
  let pings = 0
  const sendAction: SendAction = send ?? {
    label: 'Send ping', title: 'client.notify("lab.ping"): one-way, queued while the socket is not open',
    run: () => {
      try {
        client.notify('lab.ping', { n: ++pings })
      } catch (err) {
        // A full queue with overflow "error" throws QueueFullError: say so where the click happened.
        detail.textContent = `not sent: ${(err as Error).message}`
      }
    },
  }
  const sendButton = h('button', { title: sendAction.title, 'data-action': 'send', onclick: sendAction.run }, sendAction.label)
  close.addEventListener('click', () => client.close(1000, 'closed from the toolbar'))

  client.on('state', (next) => {
    state.textContent = next
    state.dataset.state = next
    if (next === 'open') detail.textContent = ''
    const closed = next === 'closed'
    for (const button of [close, reconnect, sendButton]) button.disabled = closed
    again.hidden = !closed
    if (closed) detail.textContent = 'closed for good: start a new client'
  })
  client.on('reconnecting', ({ attempt, delay }) => {
    detail.textContent = `retry ${attempt} in ${(delay / 1000).toFixed(1)} s`
  })
  every(250, () => { queued.textContent = String(client.queued) })
  every(2000, () => ask('status'))
  ask('status')
  // Start answers before the client is back (0 connections then): count again when it opens or drops,
  // instead of showing "up · 0 conn" next to an open client until the next poll.
  client.on('open', () => ask('status'))
  client.on('close', () => ask('status'))

  const buttons = serverActions.map(([action, label, title]) => h('button', {
    title, 'data-action': action,
    onclick: () => ask(action, action === 'restart' ? { downFor: 2000 } : {}),
  }, label))
  return h('div', { class: 'toolbar' },
    group('this client', state, h('span', { class: 'queued' }, 'queued ', queued), detail, reconnect, close, again, sendButton),
    group('server', ...buttons, server),
  )
}
