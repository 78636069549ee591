/**
 * Connection lab: break the server side of the connection in each way a real
 * network does, and watch the client's state machine, backoff, heartbeat and
 * outbox deal with it.
 */
import type { Meta, StoryObj } from '@storybook/html-vite'
import { h, logLine } from './lib/dom'
import { clientArgTypes, clientArgs, connect, every, guarded, type ClientArgs } from './lib/story'
import { createTimeline, stateColors } from './lib/timeline'
import { toolbar } from './lib/toolbar'

const RTT_EVERY = 1000

const render = (args: ClientArgs): HTMLElement => {
  const client = connect(args)
  const log = h('ul', { class: 'log', tabIndex: 0, 'data-testid': 'events', 'aria-label': 'Lifecycle events' })
  const timeline = createTimeline()
  timeline.state(client.state)
  every(250, timeline.draw)
  const view = {
    state: h('dd', { 'data-testid': 'lab-state' }, client.state),
    attempt: h('dd', { 'data-testid': 'attempt' }, '0'),
    delay: h('dd', { 'data-testid': 'delay' }, '-'),
    rtt: h('dd', { 'data-testid': 'rtt' }, '-'),
    queued: h('dd', { 'data-testid': 'lab-queued' }, '0'),
    opens: h('dd', { 'data-testid': 'opens' }, '0'),
  }
  let opens = 0
  let sent = 0

  client.on('state', (state, prev) => {
    view.state.textContent = state
    timeline.state(state)
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
    timeline.retry(attempt, delay)
    logLine(log, `reconnecting: attempt ${attempt} in ${Math.round(delay)} ms (${reason})`)
  })
  client.on('close', ({ code, reason, wasClean, willReconnect, why }) => {
    timeline.close(code, willReconnect)
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

  const row = (label: string, value: HTMLElement) => [h('dt', {}, label), value]
  const key = (state: string) => h('span', {}, h('span', { class: 'swatch', style: `background:${stateColors[state]}`, 'aria-hidden': 'true' }), state)
  return h('main', { class: 'story' },
    h('h1', {}, 'Connection lab'),
    h('p', {}, 'Break the connection and watch the client recover. Cut: the socket dies at once and the client retries with backoff. Blackhole: nothing arrives, so only the heartbeat (interval + timeout) notices. Stop / Restart: the server closes with 1012 and refuses connections until it is back. Send while down and watch the queue drain on reconnect.'),
    toolbar(client, { label: 'Send 10 pings', title: 'client.notify("lab.ping") ten times: queued while the socket is not open', run: burst }),
    h('div', { class: 'panel' }, h('h2', {}, 'Timeline'), timeline.element,
      h('div', { class: 'legend', 'aria-label': 'Timeline legend' }, ...['open', 'connecting', 'reconnecting', 'closed'].map(key),
        h('span', {}, 'closes: a mark with the close code'), h('span', {}, 'retries: a bar as long as the backoff delay'))),
    h('div', { class: 'cols' },
      h('div', { class: 'panel' }, h('h2', {}, 'Events'), log),
      h('div', { class: 'panel' }, h('h2', {}, 'Now'), h('dl', { class: 'stats' },
        ...row('state', view.state), ...row('attempt', view.attempt), ...row('next delay', view.delay),
        ...row('round trip', view.rtt), ...row('queued', view.queued), ...row('opens', view.opens)))),
  )
}

const meta = {
  title: 'Demos/Connection lab',
  render: guarded(render),
  args: clientArgs,
  argTypes: clientArgTypes,
} satisfies Meta<ClientArgs>

export default meta
export const ConnectionLab: StoryObj<ClientArgs> = { name: 'Connection lab' }
