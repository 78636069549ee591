/**
 * Live dashboard: the server publishes a `ticker` topic every 500 ms; the
 * story draws the last minute as an SVG line. After a reconnect the client
 * resubscribes with the last sequence number it saw, the server replays what
 * was missed, and the line has no gap. Only a server restart (which loses the
 * server's in-memory history) can leave one, and the client is told (`onGap`).
 */
import type { Meta, StoryObj } from '@storybook/html-vite'
import type { Tick } from './lib/api'
import { h, logLine } from './lib/dom'
import { clientArgTypes, clientArgs, connect, guarded, type ClientArgs } from './lib/story'
import { toolbar } from './lib/toolbar'

interface DashboardArgs extends ClientArgs {
  points: number
}

const W = 600
const H = 200
const SVG = 'http://www.w3.org/2000/svg'
/** A tick this much older than its arrival was replayed from the server's history. */
const LATE_MS = 400

const svg = <K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}) => {
  const el = document.createElementNS(SVG, tag)
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v))
  return el
}

const render = (args: DashboardArgs): HTMLElement => {
  const client = connect(args)
  const points: Tick[] = []
  const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, width: W, height: H, 'data-testid': 'chart' })
  const line = svg('polyline', { fill: 'none', stroke: '#2563eb', 'stroke-width': 2 })
  const marks = svg('g')
  chart.append(line, marks)
  const field = (id: string) => h('span', { 'data-testid': id }, '0')
  const stat = { received: field('received'), gaps: field('gaps'), replayed: field('replayed'), last: field('last-t'), opens: field('opens') }
  const log = h('ul', { class: 'log' })
  let gaps = 0
  let replayed = 0

  const draw = () => {
    if (!points.length) return
    const first = points[0]!.t
    const span = Math.max(args.points - 1, 1)
    const values = points.map((p) => p.value)
    const lo = Math.min(...values)
    const range = Math.max(...values) - lo || 1
    const x = (t: number) => ((t - first) / span) * W
    const y = (v: number) => H - 10 - ((v - lo) / range) * (H - 20)
    line.setAttribute('points', points.map((p) => `${x(p.t).toFixed(1)},${y(p.value).toFixed(1)}`).join(' '))
    // A missing tick is drawn as a red bar where it should have been.
    marks.replaceChildren(...points.slice(1).filter((p, i) => p.t !== points[i]!.t + 1)
      .map((p) => svg('rect', { x: x(p.t) - 2, y: 0, width: 4, height: H, fill: '#dc2626', opacity: 0.5 })))
  }

  client.subscribe('ticker', (tick) => {
    const prev = points[points.length - 1]
    if (prev && tick.t <= prev.t) return
    if (prev && tick.t !== prev.t + 1) {
      gaps++
      logLine(log, `gap: ticks ${prev.t + 1}..${tick.t - 1} missing`, 'error')
    }
    if (Date.now() - tick.at > LATE_MS) replayed++
    points.push(tick)
    if (points.length > args.points) points.shift()
    stat.received.textContent = String(Number(stat.received.textContent) + 1)
    stat.gaps.textContent = String(gaps)
    stat.replayed.textContent = String(replayed)
    stat.last.textContent = String(tick.t)
    draw()
  }, { onGap: () => logLine(log, 'the server no longer had the missed ticks (it restarted): the line will show a gap', 'error') })
  client.on('open', () => {
    stat.opens.textContent = String(Number(stat.opens.textContent) + 1)
    logLine(log, 'open: resubscribed from the last tick seen', 'ok')
  })
  client.on('close', ({ code }) => logLine(log, `socket closed ${code}`))

  return h('div', { class: 'story' },
    h('h2', {}, 'Live dashboard'),
    h('p', {}, 'Cut or blackhole the connection: once it is back, the missed ticks are replayed and the line stays whole. Red bars would mark missing ticks.'),
    toolbar(client),
    h('div', { class: 'row' }, chart, h('div', { class: 'stats' },
      h('span', {}, 'ticks received'), stat.received,
      h('span', {}, 'replayed (late)'), stat.replayed,
      h('span', {}, 'gaps'), stat.gaps,
      h('span', {}, 'last tick'), stat.last,
      h('span', {}, 'connections opened'), stat.opens)),
    h('div', { class: 'panel' }, log),
  )
}

const meta = {
  title: 'Apps/Dashboard',
  render: guarded(render),
  args: { ...clientArgs, points: 120 },
  argTypes: {
    ...clientArgTypes,
    points: { control: { type: 'number', min: 10, max: 600 }, description: 'Ticks shown (two a second)', table: { category: 'app' } },
  },
} satisfies Meta<DashboardArgs>

export default meta
export const Dashboard: StoryObj<DashboardArgs> = {}
