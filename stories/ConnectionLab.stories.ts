/**
 * Connection lab: break the server side of the connection in each way a real
 * network does, and watch the client's state machine, backoff, heartbeat and
 * outbox deal with it.
 */
import type { Meta, StoryObj } from '@storybook/html-vite'
import { h, logLine } from './lib/dom'
import { clientArgTypes, clientArgs, connect, every, guarded, type ClientArgs } from './lib/story'
import { toolbar } from './lib/toolbar'

const RTT_EVERY = 1000

const render = (args: ClientArgs): HTMLElement => {
  const client = connect(args)
  const log = h('ul', { class: 'log', 'data-testid': 'events' })
  const view = {
    state: h('span', { 'data-testid': 'lab-state' }, client.state),
    attempt: h('span', { 'data-testid': 'attempt' }, '0'),
    delay: h('span', { 'data-testid': 'delay' }, '-'),
    rtt: h('span', { 'data-testid': 'rtt' }, '-'),
    queued: h('span', { 'data-testid': 'lab-queued' }, '0'),
    opens: h('span', { 'data-testid': 'opens' }, '0'),
  }
  let opens = 0
  let sent = 0

  client.on('state', (state, prev) => {
    view.state.textContent = state
    logLine(log, `state ${prev} → ${state}`)
  })
  client.on('open', () => {
    view.opens.textContent = String(++opens)
    view.attempt.textContent = '0'
    view.delay.textContent = '-'
  })
  client.on('reconnecting', ({ attempt, delay, reason }) => {
    view.attempt.textContent = String(attempt)
    view.delay.textContent = `${Math.round(delay)} ms`
    logLine(log, `reconnecting: attempt ${attempt} in ${Math.round(delay)} ms (${reason})`)
  })
  client.on('close', ({ code, reason, wasClean, willReconnect, why }) => {
    logLine(log, `close ${code}${reason ? ` "${reason}"` : ''} clean=${wasClean} willReconnect=${willReconnect}${why ? ` (${why})` : ''}`, willReconnect ? '' : 'error')
  })
  client.on('error', (err) => logLine(log, `error ${(err as Error).name}: ${(err as Error).message}`, 'error'))
  client.on('drop', ({ items, reason }) => logLine(log, `dropped ${items.length} queued frame(s): ${reason}`, 'error'))

  // Round-trip time is measured with a real call, so it also shows a blackhole: the call just never returns.
  let measuring = false
  every(RTT_EVERY, () => {
    view.queued.textContent = String(client.queued)
    if (client.state !== 'open' || measuring) return
    measuring = true
    const started = performance.now()
    client.call('echo', {}, { timeout: args.heartbeatInterval + args.heartbeatTimeout }).then(
      () => { view.rtt.textContent = `${(performance.now() - started).toFixed(1)} ms` },
      (err: Error) => { view.rtt.textContent = err.name },
    ).finally(() => { measuring = false })
  })

  const burst = () => {
    for (let i = 0; i < 10; i++) {
      try {
        client.notify('lab.ping', { n: ++sent })
      } catch (err) {
        logLine(log, `notify threw ${(err as Error).name}: ${(err as Error).message}`, 'error')
        break
      }
    }
    view.queued.textContent = String(client.queued)
  }

  const row = (label: string, value: HTMLElement) => [h('span', {}, label), value]
  return h('div', { class: 'story' },
    h('h2', {}, 'Connection lab'),
    h('p', {}, 'Cut: the socket dies at once and the client retries with backoff. Blackhole: nothing arrives, so only the heartbeat (interval + timeout) notices. Stop/Restart: the server closes with 1012 and refuses until it is back. Send while down and watch the queue drain on reconnect.'),
    toolbar(client,
      h('button', { onclick: () => client.reconnect(), title: 'client.reconnect(): drop and reconnect now, backoff reset' }, 'reconnect()'),
      h('button', { onclick: () => client.close(), title: 'client.close(): final; change a control to start a new client' }, 'close()'),
      h('button', { onclick: burst, 'data-testid': 'burst' }, 'Send 10')),
    h('div', { class: 'cols' },
      h('div', { class: 'panel' }, log),
      h('div', { class: 'panel stats' },
        ...row('state', view.state), ...row('attempt', view.attempt), ...row('next delay', view.delay),
        ...row('round trip', view.rtt), ...row('queued', view.queued), ...row('opens', view.opens))),
  )
}

const meta = {
  title: 'Apps/Connection lab',
  render: guarded(render),
  args: clientArgs,
  argTypes: clientArgTypes,
} satisfies Meta<ClientArgs>

export default meta
export const Lab: StoryObj<ClientArgs> = {}
