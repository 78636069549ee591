/**
 * Multiplayer cursors: pointer positions sent at up to 60 Hz with
 * `send(frame, { queue: false })`. A stale position is worth nothing, so
 * while the socket is not open (or its buffer is full) frames are dropped,
 * never queued: after a reconnect nobody sees a replay of old moves.
 * It speaks MessagePack (`protocol: msgpack()` from `lifeline-ws/msgpack`):
 * many small frames a second are where the bytes count (docs/protocol.md,
 * "Encodings": a cursor frame is about 40% smaller than in JSON).
 */
import type { Meta, StoryObj } from '@storybook/html-vite'
import type { Cursor } from './lib/api'
import { h } from './lib/dom'
import { msgpack } from '../src/msgpack'
import { clientArgTypes, clientArgs, connect, every, guarded, onCleanup, type ClientArgs } from './lib/story'
import { toolbar } from './lib/toolbar'

interface CursorArgs extends ClientArgs {
  name: string
  color: string
  bots: number
}

const WIDTH = 640
const HEIGHT = 360
const FRAME_MS = 1000 / 60
/** A cursor not heard from for this long has left (its tab closed or lost its connection). */
const STALE_MS = 3000

const render = (args: CursorArgs): HTMLElement => {
  // One dialect object for the client and for the raw frames it writes by hand.
  const dialect = msgpack()
  const client = connect(args, { protocol: dialect })
  const canvas = h('canvas', { width: WIDTH, height: HEIGHT, 'data-testid': 'canvas', role: 'img', 'aria-label': 'Shared canvas: everyone\'s pointers' })
  const ctx = canvas.getContext('2d')
  const stats = h('dl', { class: 'stats', 'data-testid': 'stats' })
  const others = new Map<string, Cursor & { seen: number }>()
  const counts = { sent: 0, dropped: 0, received: 0 }
  let mine: { x: number; y: number } | undefined
  let dirty = false
  let lastSent = 0

  client.on('open', () => {
    client.call('cursor.join', { name: args.name, color: args.color, bots: args.bots })
      .catch((err: Error) => { stats.textContent = `join failed: ${err.message}` })
  })
  client.listen('cursor', (c) => {
    counts.received++
    others.set(c.id, { ...c, seen: performance.now() })
  })
  client.listen('cursor.gone', ({ id }) => others.delete(id))

  canvas.addEventListener('pointermove', (e) => {
    const box = canvas.getBoundingClientRect()
    mine = { x: (e.clientX - box.left) / box.width, y: (e.clientY - box.top) / box.height }
    dirty = true
  })
  canvas.addEventListener('pointerleave', () => { mine = undefined })

  const draw = (c: { x: number; y: number; color: string; name: string }, hollow = false) => {
    if (!ctx) return
    const x = c.x * WIDTH
    const y = c.y * HEIGHT
    ctx.beginPath()
    ctx.moveTo(x, y)
    ctx.lineTo(x + 4, y + 15)
    ctx.lineTo(x + 11, y + 10)
    ctx.closePath()
    ctx.fillStyle = ctx.strokeStyle = c.color
    if (hollow) ctx.stroke()
    else ctx.fill()
    ctx.fillText(c.name, x + 12, y + 22)
  }

  const frame = (now: number) => {
    raf = requestAnimationFrame(frame)
    if (dirty && mine && now - lastSent >= FRAME_MS - 1) {
      // A raw notification, encoded by the dialect, through send(), because only send() can refuse to queue.
      const frame = dialect.encode({ type: 'notification', method: 'cursor.move', params: mine })
      const result = client.send(frame, { queue: false })
      counts[result === 'dropped' ? 'dropped' : 'sent']++
      lastSent = now
      dirty = false
    }
    if (!ctx) return
    ctx.clearRect(0, 0, WIDTH, HEIGHT)
    ctx.font = '12px system-ui, sans-serif'
    for (const [id, c] of others) {
      if (now - c.seen > STALE_MS) others.delete(id)
      else draw(c)
    }
    if (mine) draw({ ...mine, color: args.color, name: `${args.name} (you)` }, true)
  }
  let raf = requestAnimationFrame(frame)
  onCleanup(() => cancelAnimationFrame(raf))

  let last = { ...counts }
  every(1000, () => {
    stats.replaceChildren(
      h('dt', {}, 'sent / s'), h('dd', { 'data-testid': 'sent-rate' }, counts.sent - last.sent),
      h('dt', {}, 'received / s'), h('dd', {}, counts.received - last.received),
      h('dt', {}, 'dropped (total)'), h('dd', { 'data-testid': 'dropped' }, counts.dropped),
      h('dt', {}, 'other cursors'), h('dd', {}, others.size),
    )
    last = { ...counts }
  })

  return h('main', { class: 'story' },
    h('h1', {}, 'Multiplayer cursors'),
    h('p', {}, 'Move the pointer over the canvas; open this story in a second window to see both. Positions go out at up to 60 a second with send(frame, { queue: false }): cut the connection and moves are dropped, not queued, so nobody sees a replay of stale positions when it is back. The client speaks MessagePack (protocol: msgpack() from lifeline-ws/msgpack): a position is about 0.6x the bytes of the same frame in JSON.'),
    toolbar(client),
    h('div', { class: 'cols' }, h('div', { class: 'panel' }, canvas), h('div', { class: 'panel' }, h('h2', {}, 'Traffic'), stats)),
  )
}

const meta = {
  title: 'Demos/Cursors',
  render: guarded(render),
  args: { ...clientArgs, name: 'alice', color: '#2563eb', bots: 2 },
  argTypes: {
    ...clientArgTypes,
    name: { name: 'Your name', control: 'text', description: 'Label on your cursor in other windows.', table: { category: 'This demo' } },
    color: { name: 'Your colour', control: 'color', description: 'Colour of your cursor.', table: { category: 'This demo' } },
    bots: { name: 'Bots', control: { type: 'range', min: 0, max: 8 }, description: 'Cursors the server moves on its own, so there is something to see in one window.', table: { category: 'This demo' } },
  },
} satisfies Meta<CursorArgs>

export default meta
export const Cursors: StoryObj<CursorArgs> = {}
