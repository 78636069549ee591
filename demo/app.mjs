// The demo application behind the gallery: chat rooms with presence and
// typing, a ticker topic, cursor relay with bots, and the RPC playground's
// methods. Its state (rooms, messages, the topic history) outlives the socket
// server, as a database would, so the lab can restart the server without the
// chat forgetting its messages or the dashboard losing ticks.
import { createHistory, InvalidParams, jsonRpc, RpcError } from '../dist/server.js'
import { msgpack } from '../dist/msgpack.js'

const TICK_MS = 500
const BOT_MS = 33
const KEEP_MESSAGES = 50
const MAX_ROOMS = 100
const MAX_SLOW_MS = 60_000

const invalid = (what) => {
  throw new RpcError(InvalidParams, `Invalid params: ${what}`)
}
const text = (value, name, max) =>
  typeof value === 'string' && value.trim() && value.length <= max ? value.trim() : invalid(`${name} must be a non-empty string of at most ${max} characters`)
const isObject = (p) => (typeof p === 'object' && p !== null ? p : invalid('expected an object'))
const unit = (v) => (typeof v === 'number' && Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : invalid('x and y must be numbers'))

/**
 * Creates the app. `methods` and the hooks go into every `createServer`;
 * `attach(server)` and `detach()` follow the socket server's restarts.
 */
export function createApp() {
  const history = createHistory({ limit: 500, maxAge: 10 * 60_000 })
  /** room -> { messages, members: Map<connection id, user> } */
  const rooms = new Map()
  /** connection id -> { ctx, name, color } */
  const cursors = new Map()
  let server
  let bots = 0
  let tick = 0
  let value = 50

  const room = (name) => {
    let r = rooms.get(name)
    if (!r) {
      if (rooms.size >= MAX_ROOMS) throw new RpcError(-32010, 'Too many rooms')
      r = { messages: [], members: new Map() }
      rooms.set(name, r)
    }
    return r
  }
  const members = (r) => [...new Set(r.members.values())].sort()
  const publishPresence = (name, r) => server?.publish(`presence:${name}`, members(r))
  const leave = (ctxId, only) => {
    for (const [name, r] of rooms) {
      if ((only === undefined || only === name) && r.members.delete(ctxId)) publishPresence(name, r)
    }
  }
  /** Sends an event to some connections; a connection that just left is skipped. */
  const tell = (ids, event, params) => {
    for (const id of ids) server?.clients.get(id)?.notify(event, params)
  }

  // Publish through the server when it is up; while it is down, write to the
  // shared history store directly, so clients that come back replay those too.
  const publish = (topic, data) => {
    if (server) return server.publish(topic, data)
    history.append(topic, (history.latest(topic) ?? 0) + 1, data)
  }
  const ticker = setInterval(() => {
    value = Math.min(100, Math.max(0, value + (Math.random() - 0.5) * 8))
    publish('ticker', { t: ++tick, at: Date.now(), value: Math.round(value * 10) / 10 })
  }, TICK_MS)
  const botLoop = setInterval(() => {
    if (!bots || !cursors.size) return
    const t = Date.now() / 1000
    for (let i = 0; i < bots; i++) {
      const bot = { id: `bot-${i}`, name: `bot ${i + 1}`, color: `hsl(${(i * 67) % 360} 70% 45%)`,
        x: 0.5 + 0.4 * Math.sin(t * (0.7 + i * 0.13) + i), y: 0.5 + 0.4 * Math.sin(t * (1.1 + i * 0.07) + i * 2) }
      tell(cursors.keys(), 'cursor', bot)
    }
  }, BOT_MS)

  const methods = {
    'chat.join'(p, ctx) {
      const name = text(isObject(p).room, 'room', 40)
      const r = room(name)
      r.members.set(ctx.id, text(p.user, 'user', 32))
      publishPresence(name, r)
      return { messages: r.messages, members: members(r) }
    },
    'chat.leave'(p, ctx) {
      leave(ctx.id, text(isObject(p).room, 'room', 40))
      return null
    },
    'chat.send'(p) {
      const name = text(isObject(p).room, 'room', 40)
      const r = room(name)
      const id = text(p.id, 'id', 80)
      // Idempotent by the sender's id: a frame that arrives twice (a retry) is stored once, and confirmed again.
      const known = r.messages.find((m) => m.id === id)
      if (known) return { id, at: known.at }
      const message = { id, room: name, user: text(p.user, 'user', 32), text: text(p.text, 'text', 500), at: Date.now() }
      r.messages.push(message)
      if (r.messages.length > KEEP_MESSAGES) r.messages.shift()
      publish(`chat:${name}`, message)
      // The reply is the sender's delivery receipt.
      return { id, at: message.at }
    },
    'chat.typing'(p, ctx) {
      const name = text(isObject(p).room, 'room', 40)
      const r = rooms.get(name)
      if (r) tell([...r.members.keys()].filter((id) => id !== ctx.id), 'typing', { room: name, user: text(p.user, 'user', 32) })
      return null
    },
    'cursor.join'(p, ctx) {
      cursors.set(ctx.id, { name: text(isObject(p).name, 'name', 32), color: text(p.color, 'color', 32) })
      bots = Number.isInteger(p.bots) ? Math.min(8, Math.max(0, p.bots)) : 0
      return { id: ctx.id }
    },
    'cursor.move'(p, ctx) {
      const me = cursors.get(ctx.id)
      if (!me) return null
      const cursor = { id: ctx.id, name: me.name, color: me.color, x: unit(isObject(p).x), y: unit(p.y) }
      tell([...cursors.keys()].filter((id) => id !== ctx.id), 'cursor', cursor)
      return null
    },
    echo: (p) => p ?? null,
    async slow(p) {
      const ms = isObject(p).ms
      if (typeof ms !== 'number' || !(ms >= 0 && ms <= MAX_SLOW_MS)) invalid(`ms must be a number from 0 to ${MAX_SLOW_MS}`)
      await new Promise((resolve) => setTimeout(resolve, ms))
      return p.value === undefined ? { waited: ms } : { waited: ms, value: p.value }
    },
    fail(p) {
      const { code, message, data } = isObject(p)
      if (!Number.isInteger(code)) invalid('code must be an integer')
      throw new RpcError(code, typeof message === 'string' ? message : 'Failed on purpose', data)
    },
    'lab.ping': () => null,
  }

  return {
    /** Options every socket server of the demo is created with. */
    options: {
      // JSON for every story, MessagePack for the ones that ask for it by subprotocol (Cursors).
      protocol: [jsonRpc(), msgpack()],
      methods,
      history,
      onDisconnect(ctx) {
        leave(ctx.id)
        if (cursors.delete(ctx.id)) tell(cursors.keys(), 'cursor.gone', { id: ctx.id })
      },
    },
    attach(s) {
      server = s
    },
    detach() {
      server = undefined
      cursors.clear()
      for (const r of rooms.values()) r.members.clear()
    },
    close() {
      clearInterval(ticker)
      clearInterval(botLoop)
    },
  }
}
