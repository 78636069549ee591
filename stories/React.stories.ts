/**
 * React hooks: a React component tree inside the html gallery (no second
 * Storybook framework: the story's render returns an element that React draws
 * into, and the story's cleanup unmounts it). The connection badge comes from
 * useConnectionState, the live ticker from useTopic with a reducer, and a
 * round trip from useCall with its refetch (docs/react.md).
 */
import type { Meta, StoryObj } from '@storybook/html-vite'
import { createElement as el, type ReactNode } from 'react'
import { createRoot } from 'react-dom/client'
import { LifelineProvider, createHooks } from '../src/react/index'
import type { DemoApi, Tick } from './lib/api'
import { h } from './lib/dom'
import { clientArgTypes, clientArgs, connect, guarded, onCleanup, type ClientArgs } from './lib/story'
import { toolbar } from './lib/toolbar'

const { useConnectionState, useTopic, useCall } = createHooks<DemoApi>()

/** The ticker, reduced to how many ticks arrived and the latest value. */
interface TickerView {
  count: number
  latest: Tick | undefined
}
const countTicks = (view: TickerView, tick: Tick): TickerView => ({ count: view.count + 1, latest: tick })

function Badge(): ReactNode {
  const state = useConnectionState()
  return el('p', null, 'Connection: ', el('strong', { 'data-testid': 'react-state' }, state))
}

function Ticker(): ReactNode {
  const { data, seq, gaps, status } = useTopic('ticker', { initial: { count: 0, latest: undefined } as TickerView, reducer: countTicks })
  const value = data.latest ? `${data.latest.value.toFixed(1)} %` : 'waiting for the first tick…'
  return el('dl', { 'data-testid': 'react-ticker' },
    el('dt', null, 'Ticks received'), el('dd', { 'data-testid': 'react-ticks' }, String(data.count)),
    el('dt', null, 'Latest value'), el('dd', null, value),
    el('dt', null, 'Sequence number'), el('dd', null, seq === undefined ? '–' : String(seq)),
    el('dt', null, 'Gaps reported'), el('dd', null, String(gaps)),
    el('dt', null, 'Subscription'), el('dd', null, status))
}

function RoundTrip(): ReactNode {
  const { data, error, loading, refetch } = useCall('echo', { from: 'useCall' })
  let text = 'calling…'
  if (!loading && error) text = `failed: ${String((error as Error).message ?? error)}`
  else if (!loading) text = `answered: ${JSON.stringify(data)}`
  return el('p', null,
    el('span', { 'data-testid': 'react-call' }, text), ' ',
    el('button', { type: 'button', onClick: refetch }, 'Call again'))
}

const render = (args: ClientArgs): HTMLElement => {
  const client = connect(args)
  const mount = h('div', { class: 'react-root' })
  const root = createRoot(mount)
  root.render(el(LifelineProvider, { client }, el(Badge), el(Ticker), el(RoundTrip)))
  onCleanup(() => root.unmount())
  return h('main', { class: 'story' },
    h('h1', {}, 'React hooks'),
    h('p', {}, 'A React tree on lifeline-ws/react: the badge, the ticker and the call below are hooks on one client. Cut or restart the server and watch them recover.'),
    toolbar(client),
    mount)
}

const meta: Meta<ClientArgs> = {
  title: 'Demos/React hooks',
  render: guarded(render),
  args: clientArgs,
  argTypes: clientArgTypes,
}
export default meta

export const ReactHooks: StoryObj<ClientArgs> = { name: 'React hooks' }
