/**
 * Live dashboard: the server publishes a `ticker` topic every 500 ms; the
 * story draws the last minute as a line chart. After a reconnect the client
 * resubscribes with the last sequence number it saw, the server replays what
 * was missed, and the line has no gap. Only a server that no longer has the
 * missed ticks can leave one, and the client is told (`onGap`).
 */
import type { Meta, StoryObj } from '@storybook/html-vite'
import { chartColors, createChart, type ChartPoint } from './lib/chart'
import { h, logLine } from './lib/dom'
import { clientArgTypes, clientArgs, connect, guarded, type ClientArgs } from './lib/story'
import { toolbar } from './lib/toolbar'

interface DashboardArgs extends ClientArgs {
  points: number
}

/** The demo server's ticker period. */
const SECONDS_PER_TICK = 0.5
/** A tick this much older than its arrival was replayed from the server's history. */
const LATE_MS = 400

const swatch = (style: string) => h('span', { class: 'swatch', style, 'aria-hidden': 'true' })

const render = (args: DashboardArgs): HTMLElement => {
  const client = connect(args)
  const points: ChartPoint[] = []
  const reconnectsAfter: number[] = []
  const chart = createChart('Simulated load (%) over the last minute, one tick every 0.5 s')
  const field = (id: string) => h('dd', { 'data-testid': id }, '0')
  const stat = { received: field('received'), gaps: field('gaps'), replayed: field('replayed'), last: field('last-t'), opens: field('opens') }
  const log = h('ul', { class: 'log', tabIndex: 0, 'aria-label': 'Dashboard events' })
  let received = 0
  let gaps = 0
  let replayed = 0
  let opens = 0

  const draw = () => chart.draw(points, args.points, SECONDS_PER_TICK, reconnectsAfter)

  client.subscribe('ticker', (tick) => {
    const prev = points[points.length - 1]
    if (prev && tick.t <= prev.t) return
    if (prev && tick.t !== prev.t + 1) {
      gaps++
      logLine(log, `gap: ticks ${prev.t + 1}..${tick.t - 1} missing`, 'error')
    }
    const late = Date.now() - tick.at > LATE_MS
    if (late) replayed++
    points.push({ ...tick, replayed: late })
    while (points.length > args.points) points.shift()
    while (reconnectsAfter.length && reconnectsAfter[0]! < points[0]!.t) reconnectsAfter.shift()
    received++
    stat.received.textContent = String(received)
    stat.gaps.textContent = String(gaps)
    stat.replayed.textContent = String(replayed)
    stat.last.textContent = String(tick.t)
    draw()
  }, { onGap: () => logLine(log, 'the server no longer had the missed ticks: the line shows a gap', 'error') })
  client.on('open', () => {
    opens++
    stat.opens.textContent = String(opens)
    const last = points[points.length - 1]
    if (opens > 1 && last) {
      reconnectsAfter.push(last.t)
      draw()
    }
    logLine(log, opens > 1 ? 'reconnected: resubscribed from the last tick seen' : 'open: subscribed to ticker', 'ok')
  })
  client.on('close', ({ code }) => logLine(log, `socket closed ${code}`))
  draw()

  const legend = h('div', { class: 'legend', 'aria-label': 'Chart legend' },
    h('span', {}, swatch(`background:${chartColors.line};height:3px`), 'load (%), one tick every 0.5 s'),
    h('span', {}, swatch(`background:${chartColors.replayed};width:8px;height:8px;border-radius:50%`), 'replayed after a reconnect'),
    h('span', {}, swatch(`background:${chartColors.gap}33;border:1px solid ${chartColors.gap}`), 'gap: ticks never received'),
    h('span', {}, swatch(`border-left:2px dashed ${chartColors.reconnect};width:0`), 'reconnect'),
  )

  return h('main', { class: 'story' },
    h('h1', {}, 'Live dashboard'),
    h('p', {}, 'A topic the server publishes twice a second. Cut or blackhole the connection, or restart the server: once the client is back, it resubscribes from the last tick it saw and the server replays the rest, so the line stays whole (orange dots are the replayed ticks, a dashed line marks the reconnect). A red band would mark ticks that never arrived.'),
    toolbar(client),
    h('div', { class: 'cols' },
      h('div', { class: 'panel' }, chart.element, legend),
      h('div', { class: 'panel' }, h('h2', {}, 'Ticker'), h('dl', { class: 'stats' },
        h('dt', {}, 'ticks received'), stat.received,
        h('dt', {}, 'replayed (late)'), stat.replayed,
        h('dt', {}, 'gaps'), stat.gaps,
        h('dt', {}, 'last tick'), stat.last,
        h('dt', {}, 'connections opened'), stat.opens))),
    h('div', { class: 'panel' }, h('h2', {}, 'Events'), log),
  )
}

const meta = {
  title: 'Demos/Dashboard',
  render: guarded(render),
  args: { ...clientArgs, points: 120 },
  argTypes: {
    ...clientArgTypes,
    points: {
      name: 'Window (ticks)', control: { type: 'number', min: 10, max: 600, step: 10 },
      description: 'How many ticks the chart shows; two a second, so 120 is the last minute.', table: { category: 'This demo' },
    },
  },
} satisfies Meta<DashboardArgs>

export default meta
export const Dashboard: StoryObj<DashboardArgs> = {}
