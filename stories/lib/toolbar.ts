/**
 * The strip on top of every story: the client's state and queue, and buttons
 * that break the server side of the connection, so each app can be watched
 * surviving a cut, a blackhole or a server restart.
 * @internal
 */
import type { Client } from '../../src/index'
import type { DemoApi } from './api'
import { control, type ControlAction, type ServerStatus } from './demo'
import { h } from './dom'
import { every } from './story'

const actions: Array<[ControlAction, string, string]> = [
  ['reset', 'Cut', 'Reset every connection (TCP RST), as when a NAT or proxy drops it'],
  ['blackhole', 'Blackhole', 'Keep connections open but forward nothing: only the heartbeat can tell'],
  ['stop', 'Stop server', 'Close the socket server (clients get 1012) and refuse new connections'],
  ['start', 'Start server', 'Listen again on the same port'],
  ['restart', 'Restart', 'Stop, wait 2 s, start'],
]

/** The toolbar for `client`; `extra` nodes go at its end. */
export function toolbar(client: Client<DemoApi>, ...extra: Node[]): HTMLElement {
  const state = h('span', { class: 'pill', 'data-testid': 'state' }, client.state)
  const detail = h('span', { class: 'muted' })
  const queued = h('span', { 'data-testid': 'queued' }, '0')
  const server = h('span', { class: 'muted', 'data-testid': 'server' })
  const show = (s: ServerStatus) => {
    server.textContent = `server ${s.up ? 'up' : 'down'} · ${s.connections} conn${s.blackholed ? ` (${s.blackholed} blackholed)` : ''}`
  }
  const fail = (err: unknown) => { server.textContent = `demo server unreachable (${(err as Error).message}); run the gallery with npm start` }

  client.on('state', (next) => {
    state.textContent = next
    state.dataset.state = next
    if (next === 'open') detail.textContent = ''
  })
  client.on('reconnecting', ({ attempt, delay }) => {
    detail.textContent = `attempt ${attempt}, next in ${Math.round(delay)} ms`
  })
  every(250, () => { queued.textContent = String(client.queued) })
  every(2000, () => { control('status').then(show, fail) })
  control('status').then(show, fail)

  const buttons = actions.map(([action, label, title]) => h('button', {
    title, 'data-action': action,
    onclick: () => { control(action, action === 'restart' ? { downFor: 2000 } : {}).then(show, fail) },
  }, label))
  return h('div', { class: 'toolbar' }, state, detail, h('span', {}, 'queued ', queued), ...buttons, server, ...extra)
}
