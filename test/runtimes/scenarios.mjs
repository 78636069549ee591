// The server scenarios of the smoke suite, the same on every kind of server (servers.mjs): what a
// client gets (a call, notifications once and in order, a topic, a restart with the session
// resumed), and what the door refuses (a foreign origin, too many connections from one address,
// authentication refused for good or for now, a handshake deadline, an oversize frame, a silent
// peer). Each check names the kind it ran on.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createClient } from '../../dist/lifeline.js'
import { msgpack } from '../../dist/msgpack.js'
import { assertEqual, check, closedByPeer, maskedTextFrame, rawUpgrade, until, upgradeStatus } from './harness.mjs'

/** Opens a socket of the runtime's WebSocket and resolves with how it closed. */
function closeOf(WebSocket, url, onOpen = () => {}) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url)
    const timer = setTimeout(() => reject(new Error(`no close from ${url}`)), 15_000)
    socket.onopen = () => onOpen(socket)
    socket.onclose = (event) => {
      clearTimeout(timer)
      resolve({ code: event.code, reason: event.reason })
    }
    socket.onerror = () => {}
  })
}

export async function serverScenarios(kind, WebSocket) {
  const on = (name) => `${name} [${kind.name}]`

  await (async () => {
    const received = []
    const store = kind.module.createSessionStore()
    const options = { methods: { echo: (params) => params, note: ({ n }) => void received.push(n) }, sessions: { store }, onError: () => {} }
    let server = kind.listen(options)
    await server.ready
    const { port } = server
    const client = createClient(`ws://127.0.0.1:${port}/`, { WebSocket, reconnect: { initialDelay: 50, maxDelay: 200 } })
    const sessions = []
    client.on('session', ({ resumed }) => sessions.push(resumed))

    await check(on('call: a request answered'), async () => {
      assertEqual(await client.call('echo', { hello: 'runtime' }), { hello: 'runtime' }, 'echo')
    })
    await check(on('notify: notifications arrive once, in order'), async () => {
      for (let n = 1; n <= 50; n++) client.notify('note', { n })
      await until(() => received.length >= 50, '50 notifications')
      assertEqual(received, Array.from({ length: 50 }, (_, i) => i + 1), 'notifications')
    })
    await check(on('topic: a subscription gets what the server publishes'), async () => {
      const seen = []
      const subscription = client.subscribe('ticks', (data) => seen.push(data))
      await subscription.ready
      server.publish('ticks', 1)
      server.publish('ticks', 2)
      await until(() => seen.length === 2, 'two topic messages')
      assertEqual(seen, [1, 2], 'topic messages')
    })
    await check(on('reconnect after a server restart on the same port, session resumed, nothing lost or doubled'), async () => {
      await server.close()
      await until(() => client.state !== 'open', 'the client to see the restart')
      for (let n = 51; n <= 60; n++) client.notify('note', { n })
      server = kind.listen(options, port)
      await server.ready
      await client.ready()
      assertEqual(await client.call('echo', { after: 'restart' }), { after: 'restart' }, 'a call after the restart')
      await until(() => received.length >= 60, '60 notifications')
      assertEqual(received, Array.from({ length: 60 }, (_, i) => i + 1), 'every notification once, in order')
      assertEqual(sessions, [false, true], 'sessions: a new one, then resumed')
    })
    client.close()
    await server.close()
  })()

  await check(on('MessagePack: lifeline.msgpack agreed, bytes both ways in a call and in a topic message'), async () => {
    const server = kind.listen({ protocol: [kind.module.jsonRpc(), msgpack()], methods: { reverse: (bytes) => Uint8Array.from(bytes).reverse(), where: (_params, ctx) => ctx.request.headers['sec-websocket-protocol'] }, onError: () => {} })
    await server.ready
    try {
      const client = createClient(`ws://127.0.0.1:${server.port}/`, { WebSocket, protocol: msgpack() })
      const reversed = await client.call('reverse', new Uint8Array([1, 2, 250]))
      assertEqual([reversed instanceof Uint8Array, Array.from(reversed)], [true, [250, 2, 1]], 'a Uint8Array result')
      assertEqual(await client.call('where'), 'lifeline.msgpack', 'the subprotocol offered')
      const seen = []
      const subscription = client.subscribe('frames', (data) => seen.push(data))
      await subscription.ready
      server.publish('frames', { pixels: new Uint8Array([9, 8]) })
      await until(() => seen.length === 1, 'a topic message with bytes')
      assertEqual([seen[0].pixels instanceof Uint8Array, Array.from(seen[0].pixels)], [true, [9, 8]], 'bytes in a topic message')
      client.close()
    } finally {
      await server.close()
    }
  })

  await check(on('fileHistory: a topic\'s numbering and messages survive a restart, and a returning client gets what it missed'), async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lifeline-runtime-history-'))
    const options = () => ({ history: kind.module.fileHistory(join(dir, 'topics.jsonl')), onError: () => {} })
    let server = kind.listen(options())
    try {
      await server.ready
      const { port } = server
      const client = createClient(`ws://127.0.0.1:${port}/`, { WebSocket, reconnect: { initialDelay: 50, maxDelay: 200 } })
      const seen = []
      const subscription = client.subscribe('room', (data, meta) => seen.push([data, meta.seq]))
      await subscription.ready
      server.publish('room', 'one')
      await until(() => seen.length === 1, 'the first message')
      await server.close()
      await until(() => client.state !== 'open', 'the client to see the restart')
      // A new process on the same file: it goes on numbering, and replays what the client missed.
      server = kind.listen(options(), port)
      await server.ready
      assertEqual(server.publish('room', 'two'), 2, 'the numbering after the restart')
      await client.ready()
      await until(() => seen.length === 2, 'the message published while the client was away')
      server.publish('room', 'three')
      await until(() => seen.length === 3, 'a live message after the restart')
      assertEqual(seen, [['one', 1], ['two', 2], ['three', 3]], 'every message once, in order')
      client.close()
    } finally {
      await server.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })

  await check(on('inside an app\'s own HTTP server: upgrades to the path are served, other requests are the app\'s'), async () => {
    const app = await kind.inApp({ path: '/ws', methods: { where: (_params, ctx) => ctx.request.url }, onError: () => {} })
    try {
      const client = createClient(`ws://127.0.0.1:${app.port}/ws?room=7`, { WebSocket })
      assertEqual(await client.call('where'), '/ws?room=7', 'ctx.request.url')
      client.close()
      assertEqual(await (await fetch(`http://127.0.0.1:${app.port}/`)).text(), 'hello', 'the app answers a plain request')
    } finally {
      await app.lifeline.close()
      await app.close()
    }
  })

  await check(on('door: a foreign origin gets 403 and never reaches authenticate; same-origin and no Origin are served'), async () => {
    let asked = 0
    const server = kind.listen({ authenticate: () => ++asked, onError: () => {} })
    await server.ready
    try {
      assertEqual(await upgradeStatus(server.port, { headers: { origin: 'https://evil.example' } }), 403, 'a foreign origin')
      assertEqual(asked, 0, 'authenticate calls for a refused origin')
      assertEqual(await upgradeStatus(server.port, { headers: { origin: `http://127.0.0.1:${server.port}` } }), 101, 'same origin')
      assertEqual(await upgradeStatus(server.port), 101, 'no Origin')
      assertEqual(server.stats.rejected, 1, 'stats.rejected')
    } finally {
      await server.close()
    }
  })

  await check(on('door: over maxConnectionsPerAddress, 429 before authenticate; a place frees when a socket goes'), async () => {
    let asked = 0
    const server = kind.listen({ maxConnectionsPerAddress: 2, authenticate: () => ++asked, onError: () => {} })
    await server.ready
    const held = []
    try {
      for (let n = 0; n < 2; n++) {
        const upgrade = await rawUpgrade(server.port)
        assertEqual(upgrade.status, 101, `connection ${n + 1}`)
        held.push(upgrade.socket)
      }
      assertEqual(await upgradeStatus(server.port), 429, 'the third')
      assertEqual(asked, 2, 'authenticate calls')
      held.shift().destroy()
      await until(() => server.stats.connections === 1, 'the server to see one go')
      const again = await rawUpgrade(server.port)
      held.push(again.socket)
      assertEqual(again.status, 101, 'a connection once a place freed')
    } finally {
      for (const socket of held) socket.destroy()
      await server.close()
    }
  })

  await check(on('authenticate: ctx.auth and ctx.request; 4401 and 4403 with their reasons; a 503 over HTTP, retried'), async () => {
    let up = false
    const token = (request) => new URL(request.url, 'http://x').searchParams.get('token')
    const server = kind.listen({
      authenticate(request) {
        if (token(request) === 'banned') throw Object.assign(new Error('Banned until Monday'), { status: 403 })
        if (token(request) === 'later' && !up) throw Object.assign(new Error('Identity service down'), { status: 503 })
        return token(request) === 'good' || token(request) === 'later' ? { user: token(request) } : null
      },
      methods: { whoami: (_params, ctx) => ({ auth: ctx.auth, url: ctx.request.url, address: ctx.request.socket.remoteAddress, host: typeof ctx.request.headers.host }) },
      onError: () => {},
    })
    await server.ready
    const url = (t) => `ws://127.0.0.1:${server.port}/?token=${t}`
    try {
      const client = createClient(url('good'), { WebSocket })
      assertEqual(await client.call('whoami'), { auth: { user: 'good' }, url: '/?token=good', address: '127.0.0.1', host: 'string' }, 'whoami')
      client.close()
      assertEqual(await closeOf(WebSocket, url('nobody')), { code: 4401, reason: 'Unauthorized' }, 'no user')
      assertEqual(await closeOf(WebSocket, url('banned')), { code: 4403, reason: 'Banned until Monday' }, 'forbidden')
      assertEqual(await upgradeStatus(server.port, { path: '/?token=later' }), 503, 'not now')
      const retrying = createClient(url('later'), { WebSocket, reconnect: { initialDelay: 20, maxDelay: 50 } })
      await until(() => server.stats.rejected >= 4, 'the client to retry at least once')
      up = true
      await retrying.ready()
      assertEqual((await retrying.call('whoami')).auth, { user: 'later' }, 'served once the service is back')
      retrying.close()
    } finally {
      await server.close()
    }
  })

  await check(on('handshake deadline: an authenticate that never answers gets 503'), async () => {
    const server = kind.listen({ handshakeTimeout: 200, authenticate: () => new Promise(() => {}), onError: () => {} })
    await server.ready
    try {
      assertEqual(await upgradeStatus(server.port), 503, 'status')
    } finally {
      await server.close()
    }
  })

  await check(on('maxPayload: a bigger frame closes with 1009, counted as malformed; others are served'), async () => {
    const server = kind.listen({ maxPayload: 1024, methods: { echo: (params) => params }, onError: () => {} })
    await server.ready
    try {
      const other = createClient(`ws://127.0.0.1:${server.port}/`, { WebSocket })
      await other.ready()
      const closed = await closeOf(WebSocket, `ws://127.0.0.1:${server.port}/`, (socket) => socket.send('x'.repeat(2000)))
      assertEqual(closed.code, 1009, 'close code')
      await until(() => server.stats.malformed === 1, 'stats.malformed to count it')
      assertEqual(await other.call('echo', ['still here']), ['still here'], 'another client')
      other.close()
    } finally {
      await server.close()
    }
  })

  await check(on('an upgrade that is not a WebSocket handshake (no Sec-WebSocket-Key) gets 400, and frees its place'), async () => {
    const server = kind.listen({ maxConnectionsPerAddress: 1, onError: () => {} })
    await server.ready
    try {
      assertEqual(await upgradeStatus(server.port, { key: false }), 400, 'status')
      assertEqual(await upgradeStatus(server.port), 101, 'a valid one after it')
    } finally {
      await server.close()
    }
  })

  await check(on('a client that stops reading is cut at maxBufferedAmount; others are served'), async () => {
    const server = kind.listen({
      maxBufferedAmount: 65_536,
      methods: {
        echo: (params) => params,
        // 32 MiB at once, far more than loopback's buffers hold for a reader that stopped.
        flood: (_params, ctx) => {
          for (let n = 0; n < 32; n++) ctx.notify('big', ['x'.repeat(1 << 20)])
        },
      },
      onError: () => {},
    })
    await server.ready
    const { status, socket } = await rawUpgrade(server.port)
    try {
      assertEqual(status, 101, 'upgrade')
      socket.pause()
      // A plain client's first frame: the server writes nothing to a connection before it (it may open a session).
      socket.write(maskedTextFrame(JSON.stringify({ jsonrpc: '2.0', method: 'flood' })))
      await until(() => server.stats.dropped === 1 && server.stats.connections === 0, 'the server to cut the reader that stopped')
      const other = createClient(`ws://127.0.0.1:${server.port}/`, { WebSocket })
      assertEqual(await other.call('echo', ['served']), ['served'], 'another client')
      other.close()
    } finally {
      socket.destroy()
      await server.close()
    }
  })

  await check(on('heartbeat: a peer that never answers pings is cut'), async () => {
    const server = kind.listen({ heartbeat: { interval: 200 }, onError: () => {} })
    await server.ready
    try {
      const { status, socket } = await rawUpgrade(server.port)
      assertEqual(status, 101, 'upgrade')
      // The raw socket reads the server's pings and never answers: ws and Bun are cut by the
      // core's heartbeat after two intervals, Deno by idleTimeout (one second, rounded up) twice.
      await closedByPeer(socket)
      await until(() => server.stats.connections === 0, 'the server to let it go')
    } finally {
      await server.close()
    }
  })
}
