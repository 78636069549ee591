/**
 * The connection lab's timeline, in plain SVG: three lanes over the last
 * minute. "state" is a band coloured by the client's state; "closes" marks
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

/** A timeline over the last `windowMs`; record events as they happen and call `draw()` to redraw. */
export function createTimeline(windowMs = 60_000, now: () => number = () => performance.now()) {
  const entries: Entry[] = []
  const root = svg('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, class: 'chart', role: 'img', 'aria-label': 'Connection timeline: state, closes and reconnect attempts over the last minute', 'data-testid': 'timeline' })
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
    const start = end - windowMs
    const xOf = (at: number) => LEFT + ((Math.max(at, start) - start) / windowMs) * (WIDTH - LEFT - RIGHT)
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
    for (const entry of entries) {
      if (entry.at < start) continue
      const x = xOf(entry.at)
      if (entry.kind === 'close') {
        parts.push(
          svg('line', { x1: x, x2: x, y1: LANES.closes + 3, y2: LANES.closes + LANE_HEIGHT - 3, stroke: entry.willReconnect ? '#b45309' : '#b91c1c', 'stroke-width': 2 }),
          svg('text', { x: x + 3, y: LANES.closes + 16, 'font-size': 11, fill: '#7f1d1d' }, String(entry.code)),
        )
      } else if (entry.kind === 'retry') {
        const width = Math.max(xOf(entry.at + entry.delay) - x, 2)
        parts.push(
          svg('rect', { x, y: LANES.retries + 5, width, height: LANE_HEIGHT - 10, rx: 3, fill: '#fde68a', stroke: '#b45309' }),
          svg('text', { x: x + 3, y: LANES.retries + 16, 'font-size': 11, fill: '#78350f' }, `#${entry.attempt} ${(entry.delay / 1000).toFixed(1)} s`),
        )
      }
    }
    for (let seconds = 0; seconds <= windowMs / 1000; seconds += 10) {
      const x = xOf(end - seconds * 1000)
      parts.push(
        svg('line', { x1: x, x2: x, y1: AXIS_Y - 4, y2: AXIS_Y + 2, stroke: '#334155' }),
        svg('text', { x, y: AXIS_Y + 16, 'text-anchor': 'middle', 'font-size': 12, fill: '#334155' }, seconds === 0 ? 'now' : `−${seconds} s`),
      )
    }
    body.replaceChildren(...parts)
  }

  return {
    element: root,
    draw,
    state: (state: string) => record({ kind: 'state', at: now(), state }),
    close: (code: number, willReconnect: boolean) => record({ kind: 'close', at: now(), code, willReconnect }),
    retry: (attempt: number, delay: number) => record({ kind: 'retry', at: now(), attempt, delay }),
  }
}
