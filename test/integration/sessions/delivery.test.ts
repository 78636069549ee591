/**
 * Sessions end to end: the real client, the real server and the fault proxy
 * between them. Every notification the client sends reaches the server's
 * method exactly once and in order, and every event the server sends reaches
 * the client's listener exactly once and in order, through a half-open
 * (blackholed) socket, TCP resets mid-stream, many short drops in a row and a
 * graceful server restart. Calls in flight across each fault settle with
 * their real reply.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createFaultProxy, type FaultProxy } from '../../helpers/fault-proxy'
import { client } from '../server/client-helper'
import { start, url } from '../server/helpers'
import type { Context, SessionStore } from '../../../src/server'
import { isOutcomeUnknownError, type DropEvent } from '../../../src/index'
import { patient } from '../../helpers/wait'
import { expectEveryBroadcastOnce, restartWithClientAway } from './restart-away'

const proxies: FaultProxy[] = []
afterEach(async () => {
  await Promise.all(proxies.splice(0).map((p) => p.close()))
})

async function proxied(port: number) {
  const proxy = await createFaultProxy(port)
  proxies.push(proxy)
  return proxy
}

/** The numbers 0..n-1, what a stream of n sends must arrive as. */
const upTo = (n: number) => Array.from({ length: n }, (_, i) => i)

/** A recorder server: `log` notifications are kept in arrival order; `slow` answers after `ms`. */
function recorder() {
  const seen: number[] = []
  const contexts: Context[] = []
  const methods = {
    log: (p: unknown) => void seen.push((p as { n: number }).n),
    slow: async (p: unknown) => {
      const { n, ms } = p as { n: number; ms: number }
      await new Promise((resolve) => setTimeout(resolve, ms))
      return { n }
    },
    hello: (_p: unknown, ctx: Context) => void contexts.push(ctx),
  }
  return { seen, contexts, methods }
}

const fast = { heartbeat: { interval: 200, timeout: 300 } }

/** A recorder server, the fault proxy in front of it, and a client through the proxy. */
async function throughProxy(options: Parameters<typeof client>[1] = {}) {
  const r = recorder()
  const server = await start({ methods: r.methods })
  const proxy = await proxied(server.port!)
  return { r, proxy, c: client(proxy.url(), options) }
}

describe('sessions: client to server, exactly once and in order', () => {
  it('through a half-open socket (blackhole after the 5th of 20)', async () => {
    const { r, proxy, c } = await throughProxy(fast)
    const drops: unknown[] = []
    c.on('drop', (d) => drops.push(d))
    await c.ready()
    for (let n = 0; n < 5; n++) c.notify('log', { n })
    await vi.waitFor(() => expect(r.seen.length).toBe(5), patient)
    proxy.set('blackhole')
    for (let n = 5; n < 20; n++) c.notify('log', { n })
    // The heartbeat finds the dead path; the next socket goes through.
    await vi.waitFor(() => expect(c.state).not.toBe('open'), patient)
    proxy.set('pass')
    await vi.waitFor(() => expect(r.seen.length).toBeGreaterThanOrEqual(20), patient)
    await vi.waitFor(() => expect(c.queued).toBe(0), patient)
    expect(r.seen).toEqual(upTo(20))
    expect(drops).toEqual([])
  })

  it('through two TCP resets in a stream of 2,000', async () => {
    const { r, proxy, c } = await throughProxy({ queue: { maxMessages: 5000 } })
    await c.ready()
    for (let n = 0; n < 2000; n++) {
      c.notify('log', { n })
      if (n === 600 || n === 1400) proxy.reset()
      // Let the socket write between bursts so the resets land mid-stream.
      if (n % 100 === 99) await new Promise((resolve) => setImmediate(resolve))
    }
    await vi.waitFor(() => expect(r.seen.length).toBeGreaterThanOrEqual(2000), { ...patient, timeout: 20_000 })
    await vi.waitFor(() => expect(c.queued).toBe(0), patient)
    expect(r.seen).toEqual(upTo(2000))
  })

  it('a burst of 1,100 in one tick on an open socket: written at once, none dropped', async () => {
    const r = recorder()
    const server = await start({ methods: r.methods })
    const c = client(url(server))
    const drops: unknown[] = []
    c.on('drop', (d) => drops.push(d))
    const session = new Promise((resolve) => c.on('session', resolve))
    await c.ready()
    await session
    for (let n = 0; n < 1100; n++) c.notify('log', { n })
    await vi.waitFor(() => expect(r.seen.length).toBeGreaterThanOrEqual(1100), patient)
    expect(r.seen).toEqual(upTo(1100))
    expect(drops).toEqual([])
  })

  it('through many short drops in a row', async () => {
    const { r, proxy, c } = await throughProxy()
    await c.ready()
    let n = 0
    for (let drop = 0; drop < 10; drop++) {
      // The handshake has been answered and the queue is empty: what follows is written at once.
      await vi.waitFor(() => expect({ state: c.state, queued: c.queued }).toEqual({ state: 'open', queued: 0 }), patient)
      for (const end = n + 25; n < end; n++) c.notify('log', { n })
      // Let those reach the wire, then cut the path while the next ones are in flight.
      await new Promise((resolve) => setImmediate(resolve))
      for (const end = n + 25; n < end; n++) c.notify('log', { n })
      proxy.reset()
    }
    await vi.waitFor(() => expect(r.seen.length).toBeGreaterThanOrEqual(n), patient)
    expect(r.seen).toEqual(upTo(n))
  })

  it('calls in flight across a reset settle with their real reply, each run once', async () => {
    let runs = 0
    const server = await start({
      methods: {
        slow: async (p: unknown) => {
          runs++
          await new Promise((resolve) => setTimeout(resolve, 150))
          return p
        },
      },
    })
    const proxy = await proxied(server.port!)
    const c = client(proxy.url())
    await c.ready()
    const calls = upTo(10).map((n) => c.call('slow', { n }))
    await vi.waitFor(() => expect(runs).toBe(10), patient)
    proxy.reset()
    await expect(Promise.all(calls)).resolves.toEqual(upTo(10).map((n) => ({ n })))
    expect(runs).toBe(10)
  })
})

describe('sessions: a handshake lost right after an open', () => {
  it('reconnects and resumes the session instead of going on without one', async () => {
    const r = recorder()
    const server = await start({ methods: r.methods })
    const proxy = await proxied(server.port!)
    // A slow heartbeat: only the handshake's own timeout (connectTimeout) can notice the dead path.
    const c = client(proxy.url(), { connectTimeout: 500, heartbeat: { interval: 10_000, timeout: 10_000 } })
    const sessions: boolean[] = []
    const errors: string[] = []
    c.on('session', ({ resumed }) => sessions.push(resumed))
    c.on('error', (err) => errors.push(String((err as Error).message)))
    await vi.waitFor(() => expect(sessions.length).toBe(1), patient)
    let armed = true
    // The next socket opens, writes its handshake, and the path goes silent before the server reads it.
    c.on('open', () => {
      if (!armed) return
      armed = false
      proxy.set('blackhole')
    })
    proxy.reset()
    await vi.waitFor(() => expect(errors.join('\n')).toContain('session handshake'), patient)
    proxy.set('pass')
    await vi.waitFor(() => expect(sessions.length).toBe(2), patient)
    expect(sessions).toEqual([false, true])
    // Still on a session: a reset mid-stream loses nothing.
    for (let n = 0; n < 100; n++) {
      c.notify('log', { n })
      if (n === 50) proxy.reset()
    }
    await vi.waitFor(() => expect(r.seen.length).toBeGreaterThanOrEqual(100), patient)
    expect(r.seen).toEqual(upTo(100))
  })
})

/**
 * The client collects `tick` events, and its `hello` hands the recorder the server's context for it.
 * Returns the numbers received so far (live) and that context, to send ticks through.
 */
async function tickStream(c: ReturnType<typeof client>, r: ReturnType<typeof recorder>) {
  const got: number[] = []
  c.listen('tick', (p) => void got.push((p as { n: number }).n))
  await c.ready()
  c.notify('hello')
  await vi.waitFor(() => expect(r.contexts.length).toBe(1), patient)
  return { got, ctx: r.contexts[0]! }
}

describe('sessions: server to client, exactly once and in order', () => {
  it('events sent while the client is away arrive after the resume', async () => {
    const { r, proxy, c } = await throughProxy(fast)
    const { got, ctx } = await tickStream(c, r)
    for (let n = 0; n < 100; n++) ctx.notify('tick', { n })
    await vi.waitFor(() => expect(got.length).toBe(100), patient)
    proxy.set('blackhole')
    for (let n = 100; n < 200; n++) ctx.notify('tick', { n })
    await vi.waitFor(() => expect(c.state).not.toBe('open'), patient)
    proxy.set('pass')
    for (let n = 200; n < 300; n++) ctx.notify('tick', { n })
    await vi.waitFor(() => expect(got.length).toBeGreaterThanOrEqual(300), patient)
    expect(got).toEqual(upTo(300))
  })

  it('resets mid-stream lose and repeat nothing', async () => {
    const { r, proxy, c } = await throughProxy()
    const { got, ctx } = await tickStream(c, r)
    for (let n = 0; n < 1000; n++) {
      ctx.notify('tick', { n })
      if (n === 300 || n === 700) proxy.reset()
      if (n % 50 === 49) await new Promise((resolve) => setImmediate(resolve))
    }
    await vi.waitFor(() => expect(got.length).toBeGreaterThanOrEqual(1000), { ...patient, timeout: 20_000 })
    expect(got).toEqual(upTo(1000))
  })
})

// Issue #26, defect 1, as it was found: the server broadcasts every 5 ms through a blackhole and then a
// reset. A broadcast between a new socket's upgrade and its resume handshake went out ahead of the
// replay and again in it (8 runs in 12 saw `…18, 19, 60, 20, …, 59, 60, 61…`). Three rounds per run.
describe('sessions: broadcasts while the client resumes', () => {
  it('arrive once each and in order through a blackhole and a reset', async () => {
    for (let round = 0; round < 3; round++) {
      const server = await start()
      const proxy = await proxied(server.port!)
      const c = client(proxy.url(), { heartbeat: { interval: 200, timeout: 300 }, reconnect: { initialDelay: 50, maxDelay: 200 } })
      const got: number[] = []
      const resumes: boolean[] = []
      c.listen('tick', (p) => void got.push((p as { n: number }).n))
      c.on('session', ({ resumed }) => resumes.push(resumed))
      await c.ready()
      let n = 0
      const ticks = async (count: number) => {
        for (const end = n + count; n < end; n++) {
          server.broadcast('tick', { n })
          await new Promise((resolve) => setTimeout(resolve, 5))
        }
      }
      await ticks(20)
      proxy.set('blackhole')
      await ticks(40)
      proxy.set('pass')
      await ticks(20)
      await vi.waitFor(() => expect(resumes.length).toBe(2), patient)
      proxy.reset()
      await ticks(20)
      await vi.waitFor(() => expect(resumes.length).toBe(3), patient)
      await ticks(20)
      await vi.waitFor(() => expect(got.length).toBeGreaterThanOrEqual(n), patient)
      expect(resumes).toEqual([false, true, true])
      expect(got).toEqual(upTo(n))
      c.close()
      await server.close()
    }
  })
})

describe('sessions: the server ends the session (ctx.close)', () => {
  it('runs nothing twice: answered calls and acknowledged notifications are not written to the new session', async () => {
    const runs: string[] = []
    const contexts: Context[] = []
    const server = await start({
      methods: {
        send: (p: unknown, ctx: Context) => {
          contexts.push(ctx)
          runs.push(`call ${(p as { n: number }).n}`)
          return { ok: true }
        },
        log: (p: unknown) => void runs.push(`notify ${(p as { n: number }).n}`),
      },
    })
    const c = client(url(server))
    const sessions: boolean[] = []
    c.on('session', ({ resumed }) => sessions.push(resumed))
    await c.ready()
    c.notify('log', { n: 1 })
    await expect(c.call('send', { n: 1 })).resolves.toEqual({ ok: true })
    // At once, before the server's coalesced acknowledgement: only the answer tells the client.
    contexts[0]!.close(1012, 'restart')
    await vi.waitFor(() => expect(sessions.length).toBe(2), patient)
    expect(sessions).toEqual([false, false])
    await expect(c.call('send', { n: 2 })).resolves.toEqual({ ok: true })
    expect(runs).toEqual(['notify 1', 'call 1', 'call 2'])
  })
})

describe('sessions: a graceful restart with a store both servers share', () => {
  it('loses and duplicates nothing in either direction', async () => {
    const { createSessionStore } = await import('../../../src/server')
    const store = createSessionStore()
    const r = recorder()
    const first = await start({ methods: r.methods, sessions: { store } })
    const port = first.port!
    const c = client(url(first))
    const got: number[] = []
    c.listen('tick', (p) => void got.push((p as { n: number }).n))
    await c.ready()
    let n = 0
    for (; n < 300; n++) c.notify('log', { n })
    await vi.waitFor(() => expect(r.seen.length).toBeGreaterThan(100), patient)
    const closing = first.close()
    for (; n < 600; n++) c.notify('log', { n })
    await closing
    const second = await start({ methods: r.methods, sessions: { store } }, port)
    await vi.waitFor(() => expect(r.seen.length).toBeGreaterThanOrEqual(600), patient)
    expect(r.seen).toEqual(upTo(600))
    // The session carried over: the server's context for it still reaches this client.
    c.notify('hello')
    await vi.waitFor(() => expect(r.contexts.length).toBe(1), patient)
    for (let k = 0; k < 50; k++) r.contexts[0]!.notify('tick', { n: k })
    await vi.waitFor(() => expect(got.length).toBeGreaterThanOrEqual(50), patient)
    expect(got).toEqual(upTo(50))
    await second.close()
  })
})

// Broadcasts to a session waiting in the store between two servers (docs/reliability.md, "Findings"):
// before the fix, what the next server broadcast before the client resumed never reached it.
describe('sessions: broadcasts across a graceful restart with a shared store', () => {
  it('a session waiting in the store gets every broadcast of the next server, once and in order', async () => {
    const { createSessionStore } = await import('../../../src/server')
    await expectEveryBroadcastOnce(createSessionStore())
  })

  it('a broadcast made while the session is being taken from the store reaches it once', async () => {
    const { createSessionStore } = await import('../../../src/server')
    const memory = createSessionStore()
    let taken: (() => void) | undefined
    let taking = false
    // A store that answers `take` late, as a remote one does: broadcasts in between are out of the store, not yet live.
    const slow: SessionStore = {
      save: (state) => memory.save(state),
      take: (id) => {
        const state = memory.take(id)
        taking = true
        return new Promise((resolve) => { taken = () => resolve(state) })
      },
      broadcast: (frame, maxBytes) => memory.broadcast!(frame, maxBytes),
    }
    const { second, proxy, got, sessions } = await restartWithClientAway(slow)
    second.broadcast('tick', { n: 10 })
    proxy.set('pass')
    await vi.waitFor(() => expect(taking).toBe(true), patient)
    second.broadcast('tick', { n: 11 })
    second.broadcast('tick', { n: 12 })
    taken!()
    await vi.waitFor(() => expect(sessions).toEqual([false, true]), patient)
    second.broadcast('tick', { n: 13 })
    await vi.waitFor(() => expect(got.length).toBeGreaterThanOrEqual(14), patient)
    expect(got).toEqual(upTo(14))
  })

  it('a session whose waiting broadcasts pass sessions.maxBytes ends: the client starts a new one', async () => {
    const { createSessionStore } = await import('../../../src/server')
    const store = createSessionStore()
    const { second, proxy, sessions } = await restartWithClientAway(store)
    for (let n = 0; n < 20; n++) second.broadcast('tick', { n, pad: 'x'.repeat(100_000) })
    proxy.set('pass')
    await vi.waitFor(() => expect(sessions).toEqual([false, false]), patient)
  })
})

// Issue #26, defect 4: a frame written on a socket that died before its acknowledgement is in doubt, not
// dropped. Before the fix, such frames expired in the outbox (queue.ttl) while the client was away and came
// back in a `drop` event with reason 'expired', although the server had run them.
describe('sessions: frames in doubt across a drop', () => {
  /** Drop events: each frame as `method n`. */
  const dropsOf = (c: ReturnType<typeof client>) => {
    const drops: { reason: DropEvent['reason']; items: string[] }[] = []
    c.on('drop', ({ reason, items }) => {
      drops.push({ reason, items: items.map((item) => {
        const frame = JSON.parse(String(item)) as { method: string; params: { n: number } }
        return `${frame.method} ${frame.params.n}`
      }) })
    })
    return drops
  }

  it('are not reported as expired when the server had them: the resume says so', async () => {
    const r = recorder()
    // No acknowledgement before the drop: only the resume can tell the client what arrived.
    const server = await start({ methods: r.methods, sessions: { ackDelay: 60_000 } })
    const proxy = await proxied(server.port!)
    const c = client(proxy.url(), { ...fast, queue: { ttl: 100 } })
    const drops = dropsOf(c)
    const sessions: boolean[] = []
    c.on('session', ({ resumed }) => sessions.push(resumed))
    await vi.waitFor(() => expect(sessions).toEqual([false]), patient)
    for (let n = 0; n < 5; n++) c.notify('log', { n })
    await vi.waitFor(() => expect(r.seen).toEqual(upTo(5)), patient)
    // The path dies; the client notices after its heartbeat (500 ms), well past the frames' ttl.
    proxy.set('blackhole')
    await vi.waitFor(() => expect(c.state).not.toBe('open'), patient)
    proxy.set('pass')
    await vi.waitFor(() => expect(sessions).toEqual([false, true]), patient)
    c.notify('log', { n: 5 })
    await vi.waitFor(() => expect(r.seen.length).toBeGreaterThanOrEqual(6), patient)
    expect(r.seen).toEqual(upTo(6))
    expect(drops).toEqual([])
  })

  it("when the server lost the session: calls reject at once with OutcomeUnknownError, frames come back as 'unknown', nothing runs twice", async () => {
    const runs: string[] = []
    const methods = {
      log: (p: unknown) => void runs.push(`log ${(p as { n: number }).n}`),
      // Runs long after the session is gone: its answer can never reach the client.
      slow: async (p: unknown) => {
        runs.push(`slow ${(p as { n: number }).n}`)
        await new Promise((resolve) => setTimeout(resolve, (p as { ms: number }).ms))
        return p
      },
    }
    const server = await start({ methods, sessions: { ttl: 100, ackDelay: 60_000 } })
    const proxy = await proxied(server.port!)
    const c = client(proxy.url(), { queue: { ttl: 100 } })
    const drops = dropsOf(c)
    const sessions: boolean[] = []
    c.on('session', ({ resumed }) => sessions.push(resumed))
    await vi.waitFor(() => expect(sessions).toEqual([false]), patient)
    const call = c.call('slow', { n: 1, ms: 2000 }, { timeout: 60_000 }).catch((err: unknown) => err)
    for (let n = 0; n < 3; n++) c.notify('log', { n })
    await vi.waitFor(() => expect(runs).toEqual(['slow 1', 'log 0', 'log 1', 'log 2']), patient)
    // Refused for longer than the session's ttl: the server forgets it.
    proxy.set('refuse')
    proxy.reset()
    await vi.waitFor(() => expect(server.clients.size).toBe(0), patient)
    proxy.set('pass')
    await vi.waitFor(() => expect(sessions).toEqual([false, false]), patient)
    const error = await call
    expect(isOutcomeUnknownError(error)).toBe(true)
    expect(drops).toEqual([{ reason: 'unknown', items: ['slow 1', 'log 0', 'log 1', 'log 2'] }])
    // A round trip on the new session: anything written again would have arrived before its answer.
    await expect(c.call('slow', { n: 2, ms: 0 })).resolves.toEqual({ n: 2, ms: 0 })
    expect(runs).toEqual(['slow 1', 'log 0', 'log 1', 'log 2', 'slow 2'])
  })
})
