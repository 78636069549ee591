/**
 * The dashboard's line chart, in plain SVG: a y axis in percent, an x axis in
 * seconds before the newest tick, the line split wherever ticks are missing
 * (each gap a red band), replayed ticks as dots and reconnects as dashed lines.
 * @internal
 */
import type { Tick } from './api'

const SVG = 'http://www.w3.org/2000/svg'
const WIDTH = 760
const HEIGHT = 280
const MARGIN = { left: 52, right: 16, top: 14, bottom: 40 }
const Y_TICKS = [0, 25, 50, 75, 100]

export const chartColors = { line: '#0e7490', replayed: '#c2410c', gap: '#dc2626', reconnect: '#475569', grid: '#e2e8f0', axis: '#334155' }

/** One point as the chart needs it: `replayed` marks a tick that came late, from the server's history. */
export interface ChartPoint extends Tick {
  replayed: boolean
}

const svg = <K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}, text?: string) => {
  const el = document.createElementNS(SVG, tag)
  for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, String(value))
  if (text !== undefined) el.textContent = text
  return el
}

/** Splits points into runs of consecutive ticks: each run is drawn as its own line. */
function runs(points: ChartPoint[]): ChartPoint[][] {
  const out: ChartPoint[][] = []
  for (const point of points) {
    const run = out[out.length - 1]
    const last = run?.[run.length - 1]
    if (run && last && point.t === last.t + 1) run.push(point)
    else out.push([point])
  }
  return out
}

/**
 * Creates the chart. `draw` redraws it from the points held (oldest first),
 * the window size in ticks, the seconds per tick and the ticks after which a
 * reconnect happened.
 */
export function createChart(title: string) {
  const root = svg('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, class: 'chart', role: 'img', 'aria-label': title, 'data-testid': 'chart' })
  const plot = { x0: MARGIN.left, x1: WIDTH - MARGIN.right, y0: HEIGHT - MARGIN.bottom, y1: MARGIN.top }
  const yOf = (value: number) => plot.y0 - (value / 100) * (plot.y0 - plot.y1)

  const axes = svg('g')
  for (const value of Y_TICKS) {
    const y = yOf(value)
    axes.append(
      svg('line', { x1: plot.x0, x2: plot.x1, y1: y, y2: y, stroke: chartColors.grid }),
      svg('text', { x: plot.x0 - 8, y: y + 4, 'text-anchor': 'end', 'font-size': 12, fill: chartColors.axis }, `${value}%`),
    )
  }
  axes.append(
    svg('line', { x1: plot.x0, x2: plot.x0, y1: plot.y1, y2: plot.y0, stroke: chartColors.axis }),
    svg('line', { x1: plot.x0, x2: plot.x1, y1: plot.y0, y2: plot.y0, stroke: chartColors.axis }),
    svg('text', { x: 14, y: (plot.y0 + plot.y1) / 2, transform: `rotate(-90 14 ${(plot.y0 + plot.y1) / 2})`, 'text-anchor': 'middle', 'font-size': 12, fill: chartColors.axis }, 'load (%)'),
    svg('text', { x: (plot.x0 + plot.x1) / 2, y: HEIGHT - 6, 'text-anchor': 'middle', 'font-size': 12, fill: chartColors.axis }, 'seconds before the newest tick'),
  )
  const xTicks = svg('g')
  const gaps = svg('g')
  const reconnects = svg('g')
  const lines = svg('g')
  const dots = svg('g')
  const empty = svg('text', { x: (plot.x0 + plot.x1) / 2, y: (plot.y0 + plot.y1) / 2, 'text-anchor': 'middle', 'font-size': 14, fill: chartColors.axis }, 'waiting for the first tick…')
  root.append(axes, gaps, xTicks, reconnects, lines, dots, empty)

  const draw = (points: ChartPoint[], window: number, secondsPerTick: number, reconnectsAfter: number[]) => {
    const newest = points[points.length - 1]
    empty.style.display = newest ? 'none' : ''
    if (!newest) return
    // The newest tick is always at the right edge ("now"); older ones scroll off to the left.
    const start = newest.t - window + 1
    const span = Math.max(window - 1, 1)
    const xOf = (t: number) => plot.x0 + ((t - start) / span) * (plot.x1 - plot.x0)
    const visible = points.filter((p) => p.t >= start)

    // An x label every 10 s (or at least four across), counted back from the newest tick.
    const step = Math.max(1, Math.round(Math.max(10, (span * secondsPerTick) / 6) / 10) * 10)
    xTicks.replaceChildren()
    for (let seconds = 0; seconds <= window * secondsPerTick; seconds += step) {
      // The oldest label may fall one tick left of the axis (the window holds `window` ticks, `window - 1` steps).
      const x = Math.max(xOf(newest.t - seconds / secondsPerTick), plot.x0)
      xTicks.append(
        svg('line', { x1: x, x2: x, y1: plot.y0, y2: plot.y0 + 5, stroke: chartColors.axis }),
        svg('text', { x, y: plot.y0 + 18, 'text-anchor': 'middle', 'font-size': 12, fill: chartColors.axis }, seconds === 0 ? 'now' : `−${seconds}`),
      )
    }

    const segments = runs(visible)
    lines.replaceChildren(...segments.map((run) => svg('polyline', {
      fill: 'none', stroke: chartColors.line, 'stroke-width': 2, 'stroke-linejoin': 'round',
      points: run.map((p) => `${xOf(p.t).toFixed(1)},${yOf(p.value).toFixed(1)}`).join(' '),
    })))
    gaps.replaceChildren()
    for (let i = 1; i < segments.length; i++) {
      const before = segments[i - 1]![segments[i - 1]!.length - 1]!
      const after = segments[i]![0]!
      const x = xOf(before.t)
      const width = Math.max(xOf(after.t) - x, 3)
      gaps.append(
        svg('rect', { x, y: plot.y1, width, height: plot.y0 - plot.y1, fill: chartColors.gap, 'fill-opacity': 0.18, stroke: chartColors.gap, 'data-gap': `${before.t + 1}..${after.t - 1}` }),
        svg('text', { x: x + width / 2, y: plot.y1 + 14, 'text-anchor': 'middle', 'font-size': 11, fill: '#991b1b' }, 'gap'),
      )
    }
    dots.replaceChildren(...visible.filter((p) => p.replayed).map((p) => svg('circle', { cx: xOf(p.t), cy: yOf(p.value), r: 3, fill: chartColors.replayed })))
    reconnects.replaceChildren(...reconnectsAfter.filter((t) => t >= start).map((t) => svg('line', {
      x1: xOf(t), x2: xOf(t), y1: plot.y1, y2: plot.y0, stroke: chartColors.reconnect, 'stroke-dasharray': '4 3',
    })))
  }

  return { element: root, draw }
}
