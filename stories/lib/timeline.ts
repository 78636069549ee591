/**
 * The connection lab's timeline, in plain SVG: three lanes over the time
 * since the story started (at least 20 s, at most the last minute). "state" is a band coloured by the client's state; "closes" marks
 * each socket close with its code; "retries" draws each scheduled reconnect
 * attempt as a bar as long as its backoff delay.
 * @internal
 */

const SVG = 'http://www.w3.org/2000/svg'
const WIDTH = 760
const HEIGHT = 150
const LEFT = 70
const RIGHT = 12
const LANES = { state: 14, closes: 48, retries: 82 }
const LANE_HEIGHT = 24
const AXIS_Y = 118

export const stateColors: Record<string, string> = {
  idle: '#cbd5e1', connecting: '#fbbf24', open: '#22c55e', reconnecting: '#f59e0b', closed: '#ef4444',
}

type Entry =
  | { kind: 'state'; at: number; state: string }
  | { kind: 'close'; at: number; code: number; willReconnect: boolean }
  | { kind: 'retry'; at: number; attempt: number; delay: number }

const svg = <K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}, text?: string) => {
  const el = document.createElementNS(SVG, tag)
  for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, String(value))
  if (text !== undefined) el.textContent = text
  return el
}

/** The shortest span drawn, so a fresh story does not stretch its first second across the width. */
const MIN_SPAN_MS = 10_000

/** A timeline over at most the last `windowMs`; record events as they happen and call `draw()` to redraw. */
export function createTimeline(windowMs = 60_000, now: () => number = () => performance.now()) {
  const entries: Entry[] = []
  const born = now()
  const root = svg('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, class: 'chart', role: 'img', 'aria-label': 'Connection timeline: state, closes and reconnect attempts', 'data-testid': 'timeline' })
  const frame = svg('g')
  for (const [name, y] of Object.entries(LANES)) {
    frame.append(
      svg('rect', { x: LEFT, y, width: WIDTH - LEFT - RIGHT, height: LANE_HEIGHT, fill: '#f8fafc', stroke: '#e2e8f0' }),
      svg('text', { x: LEFT - 8, y: y + 16, 'text-anchor': 'end', 'font-size': 12, fill: '#334155' }, name),
    )
  }
  const body = svg('g')
  root.append(frame, body)

  const record = (entry: Entry) => {
    entries.push(entry)
    // Keep a little more than the window, so the oldest band still has its start.
    while (entries.length > 2 && entries[1]!.at < now() - windowMs * 2) entries.shift()
  }

  const draw = () => {
    const end = now()
    const span = Math.min(Math.max(end - born, MIN_SPAN_MS), windowMs)
    const start = end - span
    const xOf = (at: number) => LEFT + ((Math.max(at, start) - start) / span) * (WIDTH - LEFT - RIGHT)
    const parts: SVGElement[] = []

    const states = entries.filter((e): e is Extract<Entry, { kind: 'state' }> => e.kind === 'state')
    states.forEach((entry, i) => {
      const until = states[i + 1]?.at ?? end
      if (until < start) return
      parts.push(svg('rect', {
        x: xOf(entry.at), y: LANES.state, width: Math.max(xOf(until) - xOf(entry.at), 1), height: LANE_HEIGHT,
        fill: stateColors[entry.state] ?? '#94a3b8', 'data-state': entry.state,
      }))
    })
    // Marks close together would print their labels over each other: a label takes the upper
    // or the lower half of its lane, whichever is free at its x, and is left out if neither is.
    const labelFree = { closes: [-Infinity, -Infinity], retries: [-Infinity, -Infinity] }
    // Labels go on top of every mark and bar, so a later bar never hides an earlier label.
    const labels: SVGElement[] = []
    const label = (lane: 'closes' | 'retries', x: number, text: string, fill: string) => {
      const rows = labelFree[lane]
      const row = rows.findIndex((free) => x >= free)
      if (row < 0) return
      rows[row] = x + text.length * 6 + 6
      labels.push(svg('text', { x: x + 3, y: LANES[lane] + (row === 0 ? 10 : 21), 'font-size': 10, fill }, text))
    }
    for (const entry of entries) {
      if (entry.at < start) continue
      const x = xOf(entry.at)
      if (entry.kind === 'close') {
        parts.push(svg('line', { x1: x, x2: x, y1: LANES.closes + 3, y2: LANES.closes + LANE_HEIGHT - 3, stroke: entry.willReconnect ? '#b45309' : '#b91c1c', 'stroke-width': 2 }))
        label('closes', x, String(entry.code), '#7f1d1d')
      } else if (entry.kind === 'retry') {
        const width = Math.max(xOf(entry.at + entry.delay) - x, 2)
        parts.push(svg('rect', { x, y: LANES.retries + 5, width, height: LANE_HEIGHT - 10, rx: 3, fill: '#fde68a', stroke: '#b45309' }))
        label('retries', x, `#${entry.attempt} ${(entry.delay / 1000).toFixed(1)} s`, '#78350f')
      }
    }
    const step = span > 30_000 ? 10 : 5
    for (let seconds = 0; seconds <= span / 1000; seconds += step) {
      const x = xOf(end - seconds * 1000)
      parts.push(
        svg('line', { x1: x, x2: x, y1: AXIS_Y - 4, y2: AXIS_Y + 2, stroke: '#334155' }),
        svg('text', { x, y: AXIS_Y + 16, 'text-anchor': 'middle', 'font-size': 12, fill: '#334155' }, seconds === 0 ? 'now' : `−${seconds} s`),
      )
    }
    body.replaceChildren(...parts, ...labels)
  }

  return {
    element: root,
    draw,
    state: (state: string) => record({ kind: 'state', at: now(), state }),
    close: (code: number, willReconnect: boolean) => record({ kind: 'close', at: now(), code, willReconnect }),
    retry: (attempt: number, delay: number) => record({ kind: 'retry', at: now(), attempt, delay }),
  }
}
