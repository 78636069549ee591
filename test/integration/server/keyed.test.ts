// Keyed messages (`once`, docs/protocol.md, "Keyed messages"): a request or notification written twice
// in one session (two leader tabs of lifeline-ws/share both wrote it) runs once; a repeated request gets
// the first run's answer under its own id. Driven by the hand-written session client, so the wire is pinned.
import { describe, expect, it, vi } from 'vitest'
import { AlreadyRun, createServer, createSessionStore } from '../../../src/server'
import { MAX_ANSWERS } from '../../../src/server/messages/repeats'
import { deferred, open, start, track, url } from './helpers'
import { sessionClient } from './session-client'
import { patient } from '../../helpers/wait'

type Json = Record<string, unknown>
const note = (method: string, params: unknown[], once?: [string, number]) => ({ jsonrpc: '2.0', method, params, once })
const request = (id: number, method: string, params: unknown[], once?: [string, number]) => ({ jsonrpc: '2.0', id, method, params, once })
// Answers by id (a repeat is answered once the first run's answer is known, so possibly after a later one).
// Request ids start at 100: the session client's own handshake requests count from 1.
const answers = (tracked: readonly (Json | Json[])[]) =>
  tracked.filter((frame): frame is Json => !Array.isArray(frame) && 'id' in frame).sort((a, b) => Number(a.id) - Number(b.id))

/** A server whose `slow` method waits for `gate` and answers 'done'; `runs()` counts how often it ran. */
async function slowServer() {
  const gate = deferred()
  let runs = 0
  const slow = async () => {
    runs++
    await gate.promise
    return 'done'
  }
  return { server: await start({ methods: { slow } }), gate, runs: () => runs }
}

describe('keyed messages in a session', () => {
  it('run a notification written twice once, across a new socket of the session', async () => {
    const log: unknown[] = []
    const server = await start({ methods: { log: (params: unknown) => void log.push(params) } })
    const c = sessionClient(url(server))
    const first = await c.open()
    c.send(note('log', ['a1'], ['tab-a', 1]))
    c.send(note('log', ['a2'], ['tab-a', 2]))
    c.send(note('log', ['b1'], ['tab-b', 1]))
    await vi.waitFor(() => expect(log).toHaveLength(3), patient)
    c.drop()
    expect(await c.open({ id: first.id })).toMatchObject({ resumed: true })
    // The next leader writes them again (new positions), and one that is new.
    c.send(note('log', ['a2 again'], ['tab-a', 2]))
    c.send(note('log', ['b1 again'], ['tab-b', 1]))
    c.send(note('log', ['a3'], ['tab-a', 3]))
    c.send(note('log', ['unkeyed']))
    await vi.waitFor(() => expect(log.at(-1)).toEqual(['unkeyed']), patient)
    expect(log).toEqual([['a1'], ['a2'], ['b1'], ['a3'], ['unkeyed']])
  })

  it('answers a request written twice with the first run’s answer, under the new id, without running it again', async () => {
    let runs = 0
    const server = await start({ methods: { count: () => ++runs } })
    const c = sessionClient(url(server))
    await c.open()
    c.send(request(101, 'count', [], ['tab-a', 1]))
    c.send(request(102, 'count', [], ['tab-a', 1]))
    c.send(request(103, 'count', [], ['tab-a', 2]))
    await vi.waitFor(() => expect(answers(c.tracked)).toHaveLength(3), patient)
    expect(answers(c.tracked)).toEqual([
      { jsonrpc: '2.0', id: 101, result: 1 },
      { jsonrpc: '2.0', id: 102, result: 1 },
      { jsonrpc: '2.0', id: 103, result: 2 },
    ])
    expect(runs).toBe(2)
  })

  it('runs a request whose number is below notifications that came first (a call kept only in memory)', async () => {
    // The old leader's stored outbox held notes 3 and 4; the call (2) was only in its memory, so the
    // next leader writes the notes first and the tab's call after them.
    const log: unknown[] = []
    const server = await start({ methods: { log: (params: unknown) => void log.push(params), count: () => log.push('call') } })
    const c = sessionClient(url(server))
    await c.open()
    c.send(note('log', ['n3'], ['tab-a', 3]))
    c.send(note('log', ['n4'], ['tab-a', 4]))
    c.send(request(102, 'count', [], ['tab-a', 2]))
    await vi.waitFor(() => expect(answers(c.tracked)).toHaveLength(1), patient)
    expect(log).toEqual([['n3'], ['n4'], 'call'])
    expect(answers(c.tracked)[0]).toEqual({ jsonrpc: '2.0', id: 102, result: 3 })
  })

  it('makes a repeat of a request still running wait for its answer', async () => {
    const { server, gate, runs } = await slowServer()
    const c = sessionClient(url(server))
    await c.open()
    c.send(request(101, 'slow', [], ['tab-a', 1]))
    c.send(request(102, 'slow', [], ['tab-a', 1]))
    await vi.waitFor(() => expect(runs()).toBe(1), patient)
    expect(answers(c.tracked)).toEqual([])
    gate.resolve()
    await vi.waitFor(() => expect(answers(c.tracked)).toHaveLength(2), patient)
    expect(answers(c.tracked).map((answer) => [answer.id, answer.result])).toEqual([
      [101, 'done'],
      [102, 'done'],
    ])
    expect(runs()).toBe(1)
  })

  it('answers the repeat a new page writes, not the old page’s request (a reload or the next leader tab)', async () => {
    const { server, gate, runs } = await slowServer()
    const c = sessionClient(url(server))
    const first = await c.open()
    c.send(request(101, 'slow', [], ['tab-a', 1]))
    await vi.waitFor(() => expect(runs()).toBe(1), patient)
    c.drop()
    // The next page (received: null) takes the session over and writes the request again, under a new id.
    expect(await c.open({ id: first.id, received: null })).toMatchObject({ resumed: true })
    c.send(request(201, 'slow', [], ['tab-a', 1]))
    gate.resolve()
    await vi.waitFor(() => expect(answers(c.tracked)).toHaveLength(1), patient)
    // One more round trip, so an answer to 101 would have come by now.
    c.send(request(202, 'slow', [], ['tab-a', 2]))
    await vi.waitFor(() => expect(answers(c.tracked)).toHaveLength(2), patient)
    expect(answers(c.tracked).map((answer) => [answer.id, answer.result])).toEqual([
      [201, 'done'],
      [202, 'done'],
    ])
    expect(runs()).toBe(2)
  })

  it('repeats an error answer too, and answers AlreadyRun once the answer is forgotten', async () => {
    let runs = 0
    const server = await start({ methods: { count: () => ++runs } })
    const c = sessionClient(url(server))
    await c.open()
    c.send(request(101, 'nope', [], ['tab-a', 1]))
    c.send(request(102, 'nope', [], ['tab-a', 1]))
    // Enough later keyed requests to push the first answer out of the session's memory.
    for (let n = 0; n < MAX_ANSWERS; n++) c.send(request(1000 + n, 'count', [], ['tab-b', n + 1]))
    c.send(request(105, 'nope', [], ['tab-a', 1]))
    await vi.waitFor(() => expect(answers(c.tracked)).toHaveLength(MAX_ANSWERS + 3), patient)
    const byId = new Map(answers(c.tracked).map((answer) => [answer.id, answer]))
    expect(byId.get(101)).toMatchObject({ error: { code: -32601 } })
    expect(byId.get(102)).toEqual({ ...byId.get(101), id: 102 })
    expect(byId.get(105)).toMatchObject({ error: { code: AlreadyRun } })
    expect(runs).toBe(MAX_ANSWERS)
  })

  it('keeps what ran across a graceful restart (the marks travel in the store)', async () => {
    const store = createSessionStore()
    const log: unknown[] = []
    const methods = { log: (params: unknown) => void log.push(params) }
    const old = await start({ methods, sessions: { store } })
    const port = old.port!
    const c = sessionClient(url(old))
    const first = await c.open()
    c.send(note('log', ['a1'], ['tab-a', 1]))
    await vi.waitFor(() => expect(log).toHaveLength(1), patient)
    await old.close()
    await c.closed()
    const fresh = track(createServer({ port, host: '127.0.0.1', methods, sessions: { store }, onError: () => {} }))
    await fresh.ready
    expect(await c.open()).toMatchObject({ id: first.id, resumed: true })
    c.send(note('log', ['a1 again'], ['tab-a', 1]))
    c.send(note('log', ['a2'], ['tab-a', 2]))
    await vi.waitFor(() => expect(log).toHaveLength(2), patient)
    expect(log).toEqual([['a1'], ['a2']])
  })

  it('runs keyed messages as usual without a session (nothing to remember them in)', async () => {
    const log: unknown[] = []
    const server = await start({ sessions: false, methods: { log: (params: unknown) => void log.push(params) } })
    const p = await open(url(server))
    p.send(note('log', ['a1'], ['tab-a', 1]))
    p.send(note('log', ['a1'], ['tab-a', 1]))
    await vi.waitFor(() => expect(log).toHaveLength(2), patient)
  })

  it('refuses a malformed key as an invalid request', async () => {
    const log: unknown[] = []
    const server = await start({ methods: { log: (params: unknown) => void log.push(params) } })
    const c = sessionClient(url(server))
    await c.open()
    for (const [n, once] of [['x', 1], ['x'], ['x', 0], ['x', 1.5], [1, 1], 'x:1', ['x'.repeat(129), 1]].entries()) {
      c.send({ jsonrpc: '2.0', id: n + 100, method: 'log', params: [n], once })
    }
    c.send({ jsonrpc: '2.0', method: 'log', params: ['note'], once: ['x', 0] })
    await vi.waitFor(() => expect(answers(c.tracked)).toHaveLength(8), patient)
    expect(answers(c.tracked).map((answer) => [answer.id, (answer.error as Json | undefined)?.code ?? 'ran'])).toEqual([
      // A notification has no id to answer with: its -32600 says null.
      [null, -32600],
      [100, 'ran'],
      ...[101, 102, 103, 104, 105, 106].map((id) => [id, -32600]),
    ])
    expect(log).toEqual([[0]])
  })
})
