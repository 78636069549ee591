// Sessions, client side (docs/protocol.md, "Sessions"), against a hand-played server over FakeSocket.
import { describe, expect, it, vi } from 'vitest'
import {
  createClient, isOutcomeUnknownError, isTimeoutError, localStorageOutbox, type Client, type ClientOptions, type DropEvent, type SessionEvent,
} from '../../../src/index'
import { FakeSocket } from '../../helpers/fake-socket'
import { FakeStorage } from '../socket/fakes'
import { fakeTimersPerTest, flush } from '../socket/harness'

fakeTimersPerTest()

type Wire = { id?: number; method?: string; params?: Record<string, unknown>; result?: unknown }
const parse = (frame: unknown) => JSON.parse(String(frame)) as Wire | Wire[]

/** A client, and the frames each of its sockets was sent, parsed. */
function start(options: ClientOptions = {}) {
  const client = createClient('ws://test.local/session', {
    WebSocket: FakeSocket.ctor,
    environment: { window: undefined, document: undefined, navigator: undefined },
    heartbeat: false,
    reconnect: { initialDelay: 0 },
    ...options,
  })
  const sessions: SessionEvent[] = []
  const errors: unknown[] = []
  const drops: { reason: DropEvent['reason']; items: unknown[] }[] = []
  client.on('session', (event) => sessions.push(event))
  client.on('error', (err) => errors.push(err))
  client.on('drop', ({ reason, items }) => drops.push({ reason, items: items.map((item) => (parse(item) as Wire).params ?? (parse(item) as Wire).method) }))
  return { client, sessions, errors, drops }
}

/** The server side of the newest socket: opens it and reads and answers what the client wrote. */
async function connect() {
  await flush()
  const socket = FakeSocket.last
  socket.accept()
  const sent = () => socket.sent.map(parse)
  const handshake = () => sent()[0] as Wire
  const answer = (result: Record<string, unknown>) =>
    socket.receive(JSON.stringify({ jsonrpc: '2.0', id: handshake().id, result: { limits: { maxInFlight: 32, maxQueued: 1000 }, ...result } }))
  /** Application frames the client wrote (handshake, acks and pings left out). */
  const tracked = () => sent().filter((frame) => Array.isArray(frame) || !['rpc.session', 'rpc.ack', 'rpc.ping'].includes(frame.method ?? ''))
  const acks = () => sent().flatMap((frame) => (!Array.isArray(frame) && frame.method === 'rpc.ack' ? [frame.params!.received] : []))
  const push = (method: string, params: unknown = {}) => socket.receive(JSON.stringify({ jsonrpc: '2.0', method, params }))
  return { socket, sent, handshake, answer, tracked, acks, push }
}

/** The socket drops; the next one is created and opened (its handshake not answered yet). */
const reconnect = async (client: Client) => {
  FakeSocket.last.fail()
  await vi.advanceTimersByTimeAsync(1)
  FakeSocket.last.accept()
  expect(client.state).toBe('open')
}

describe('sessions: the handshake', () => {
  it('goes first on every socket and holds every tracked frame until its answer', async () => {
    const { client, sessions } = start()
    client.notify('early', { n: 1 })
    const server = await connect()
    expect(server.handshake()).toMatchObject({ method: 'rpc.session', params: { id: null, received: 0 } })
    client.notify('during', { n: 2 })
    expect(server.tracked()).toEqual([])
    server.answer({ id: 's1', resumed: false, received: 0 })
    expect(server.tracked().map((frame) => (frame as Wire).method)).toEqual(['early', 'during'])
    expect(sessions).toEqual([{ id: 's1', resumed: false }])
  })

  it('falls back to the plain client on -32601 and asks no more', async () => {
    const { client, sessions } = start()
    client.notify('a')
    const server = await connect()
    server.socket.receive(JSON.stringify({ jsonrpc: '2.0', id: server.handshake().id, error: { code: -32601, message: 'Method not found' } }))
    expect(server.tracked().map((frame) => (frame as Wire).method)).toEqual(['a'])
    await reconnect(client)
    expect(FakeSocket.last.sent).toEqual([])
    expect(sessions).toEqual([])
  })
})

describe('sessions: a handshake that fails on a server that keeps sessions', () => {
  it('reconnects after the backoff delay and resumes the session; it never goes on without one', async () => {
    const { client, errors, sessions } = start({ reconnect: { backoff: () => 500 } })
    const first = await connect()
    first.answer({ id: 's1', resumed: false, received: 0 })
    client.notify('n', { n: 1 })
    first.socket.fail()
    await vi.advanceTimersByTimeAsync(500)
    const failing = FakeSocket.last
    failing.accept()
    const handshake = parse(failing.sent[0]) as Wire
    // The server's session store did not answer (a frozen Redis): an internal error, not -32601.
    failing.receive(JSON.stringify({ jsonrpc: '2.0', id: handshake.id, error: { code: -32603, message: 'Internal error' } }))
    expect(String(errors.at(-1))).toContain('the session handshake failed (Internal error); reconnecting to resume the session')
    expect(failing.readyState).not.toBe(FakeSocket.OPEN)
    // Not at once: after the backoff delay.
    const sockets = FakeSocket.instances.length
    await vi.advanceTimersByTimeAsync(1)
    expect(FakeSocket.instances.length).toBe(sockets)
    await vi.advanceTimersByTimeAsync(500)
    FakeSocket.last.accept()
    const again = parse(FakeSocket.last.sent[0]) as Wire
    expect(again).toMatchObject({ method: 'rpc.session', params: { id: 's1', received: 0 } })
    FakeSocket.last.receive(JSON.stringify({ jsonrpc: '2.0', id: again.id, result: { id: 's1', resumed: true, received: 0 } }))
    expect(FakeSocket.last.sent.slice(1).map((frame) => (parse(frame) as Wire).params)).toEqual([{ n: 1 }])
    expect(sessions).toEqual([{ id: 's1', resumed: false }, { id: 's1', resumed: true }])
  })
})

describe('sessions: a server that never answers', () => {
  it('goes on without a session after the handshake timeout (connectTimeout), and says why', async () => {
    const { client, errors } = start({ connectTimeout: 1000 })
    client.notify('waiting')
    const server = await connect()
    expect(server.tracked()).toEqual([])
    await vi.advanceTimersByTimeAsync(1000)
    expect(server.tracked().map((frame) => (frame as Wire).method)).toEqual(['waiting'])
    expect(String(errors.at(-1))).toContain('no answer to the session handshake within 1000 ms')
  })
})

describe('sessions: acknowledgements', () => {
  it('coalesces: one rpc.ack at most 200 ms after the first unacknowledged tracked frame', async () => {
    const { client } = start()
    const server = await connect()
    server.answer({ id: 's1', resumed: false, received: 0 })
    client.listen('tick', () => {})
    server.push('tick')
    server.push('tick')
    // Control frames are not counted: a topic message, an ack from the server.
    server.push('rpc.publish', { topic: 'nobody', data: 1 })
    server.push('rpc.ack', { received: 0 })
    server.push('tick')
    await vi.advanceTimersByTimeAsync(199)
    expect(server.acks()).toEqual([])
    await vi.advanceTimersByTimeAsync(1)
    expect(server.acks()).toEqual([3])
    await vi.advanceTimersByTimeAsync(1000)
    expect(server.acks()).toEqual([3])
  })

  it('acknowledges at once when 128 are unacknowledged', async () => {
    start()
    const server = await connect()
    server.answer({ id: 's1', resumed: false, received: 0 })
    for (let n = 0; n < 128; n++) server.push('tick')
    expect(server.acks()).toEqual([128])
  })
})

describe('sessions: replay', () => {
  it('after a drop, resumes with what it received and writes only what the server lacks, from the right position', async () => {
    const { client, sessions } = start()
    const first = await connect()
    first.answer({ id: 's1', resumed: false, received: 0 })
    for (const n of [1, 2, 3, 4]) client.notify('n', { n })
    first.push('rpc.ack', { received: 1 })
    first.push('tick')
    first.push('tick')
    await reconnect(client)
    const socket = FakeSocket.last
    const handshake = parse(socket.sent[0]) as Wire
    expect(handshake.params).toEqual({ id: 's1', received: 2 })
    client.notify('n', { n: 5 })
    // The server got frames 1 to 3 before the drop.
    socket.receive(JSON.stringify({ jsonrpc: '2.0', id: handshake.id, result: { id: 's1', resumed: true, received: 3 } }))
    const numbers = socket.sent.slice(1).map((frame) => (parse(frame) as Wire).params?.n)
    expect(numbers).toEqual([4, 5])
    expect(sessions).toEqual([{ id: 's1', resumed: false }, { id: 's1', resumed: true }])
  })

  it('keeps a call pending across a drop: its answer arrives after the resume', async () => {
    const { client } = start()
    const first = await connect()
    first.answer({ id: 's1', resumed: false, received: 0 })
    const call = client.call('room.join', { room: 'a' })
    const [request] = first.tracked() as Wire[]
    first.push('rpc.ack', { received: 1 })
    await reconnect(client)
    const socket = FakeSocket.last
    const handshake = parse(socket.sent[0]) as Wire
    socket.receive(JSON.stringify({ jsonrpc: '2.0', id: handshake.id, result: { id: 's1', resumed: true, received: 1 } }))
    // Nothing written again: the server had it; its answer is replayed.
    expect(socket.sent).toHaveLength(1)
    socket.receive(JSON.stringify({ jsonrpc: '2.0', id: request!.id, result: { members: ['ann'] } }))
    await expect(call).resolves.toEqual({ members: ['ann'] })
  })

  it('when the session is lost (resumed: false), reports what was in doubt as unknown and writes only resend calls again', async () => {
    const { client, sessions, drops } = start()
    const first = await connect()
    first.answer({ id: 's1', resumed: false, received: 0 })
    const lost = client.call('charge', { cents: 5 }).catch((err: unknown) => err)
    const safe = client.call('status', undefined, { resend: true })
    client.notify('typed', { n: 1 })
    await reconnect(client)
    client.notify('after', { n: 2 })
    const socket = FakeSocket.last
    const handshake = parse(socket.sent[0]) as Wire
    socket.receive(JSON.stringify({ jsonrpc: '2.0', id: handshake.id, result: { id: 's2', resumed: false, received: 0 } }))
    const error = await lost
    expect(isOutcomeUnknownError(error)).toBe(true)
    expect(error).toMatchObject({ name: 'OutcomeUnknownError', code: -32003 })
    // The server may have run them: never written again, reported once with their own reason.
    expect(drops).toEqual([{ reason: 'unknown', items: [{ cents: 5 }, { n: 1 }] }])
    const methods = socket.sent.slice(1).map((frame) => (parse(frame) as Wire).method)
    expect(methods).toEqual(['status', 'after'])
    expect(sessions.at(-1)).toEqual({ id: 's2', resumed: false })
    const status = parse(socket.sent[1]) as Wire
    socket.receive(JSON.stringify({ jsonrpc: '2.0', id: status.id, result: 'ok' }))
    await expect(safe).resolves.toBe('ok')
  })

  it('writes a resend call in doubt again with its queue.ttl counted from then: it does not expire as never sent', async () => {
    const { client, drops } = start({ queue: { ttl: 1000 } })
    const first = await connect()
    first.answer({ id: 's1', resumed: false, received: 0 })
    const status = client.call('status', undefined, { resend: true, timeout: Infinity })
    await reconnect(client)
    // In doubt for longer than its ttl: it waits for the resume, and then is written again, not dropped.
    await vi.advanceTimersByTimeAsync(5000)
    const socket = FakeSocket.last
    const handshake = parse(socket.sent[0]) as Wire
    socket.receive(JSON.stringify({ jsonrpc: '2.0', id: handshake.id, result: { id: 's2', resumed: false, received: 0 } }))
    expect(drops).toEqual([])
    const again = parse(socket.sent[1]) as Wire
    expect(again.method).toBe('status')
    socket.receive(JSON.stringify({ jsonrpc: '2.0', id: again.id, result: 'up' }))
    await expect(status).resolves.toBe('up')
  })

  it('rejects at once a call the server had acknowledged and not answered when it lost the session', async () => {
    const { client } = start()
    const first = await connect()
    first.answer({ id: 's1', resumed: false, received: 0 })
    const pending = client.call('report.build', {}, { timeout: 60_000 }).catch((err: unknown) => err)
    first.push('rpc.ack', { received: 1 })
    await reconnect(client)
    const socket = FakeSocket.last
    const handshake = parse(socket.sent[0]) as Wire
    socket.receive(JSON.stringify({ jsonrpc: '2.0', id: handshake.id, result: { id: 's2', resumed: false, received: 0 } }))
    await vi.advanceTimersByTimeAsync(0)
    const error = await pending
    expect(isOutcomeUnknownError(error)).toBe(true)
    expect(error).toMatchObject({ method: 'report.build' })
    expect(String(error)).toContain("'report.build' was written, not answered, and may or may not have run")
    expect(socket.sent).toHaveLength(1)
  })

  it('settles what was in doubt when a server that had a session answers the next handshake without one', async () => {
    const { client, drops } = start()
    const first = await connect()
    first.answer({ id: 's1', resumed: false, received: 0 })
    const acknowledged = client.call('a', {}, { timeout: 60_000 }).catch((err: unknown) => err)
    first.push('rpc.ack', { received: 1 })
    const written = client.call('b', {}, { timeout: 60_000 }).catch((err: unknown) => err)
    client.notify('typed', { n: 1 })
    await reconnect(client)
    const socket = FakeSocket.last
    const handshake = parse(socket.sent[0]) as Wire
    socket.receive(JSON.stringify({ jsonrpc: '2.0', id: handshake.id, error: { code: -32601, message: 'Method not found' } }))
    await vi.advanceTimersByTimeAsync(0)
    expect(isOutcomeUnknownError(await acknowledged)).toBe(true)
    expect(isOutcomeUnknownError(await written)).toBe(true)
    expect(drops).toEqual([{ reason: 'unknown', items: [{}, { n: 1 }] }])
    expect(socket.sent).toHaveLength(1)
  })
})

describe('sessions: frames the server reports in doubt at a resume (unknown)', () => {
  /** A session with three calls and a notification written, the socket dropped, and the next one opened. */
  async function written() {
    const setup = start()
    const { client } = setup
    const first = await connect()
    first.answer({ id: 's1', resumed: false, received: 0 })
    const charge = client.call('charge', { cents: 5 }, { timeout: Infinity }).catch((err: unknown) => err)
    const status = client.call('status', undefined, { resend: true, timeout: Infinity })
    const slow = client.call('report', {}, { timeout: Infinity })
    client.notify('typed', { n: 1 })
    await reconnect(client)
    const socket = FakeSocket.last
    const handshake = parse(socket.sent[0]) as Wire
    const answer = (result: Record<string, unknown>) => socket.receive(JSON.stringify({ jsonrpc: '2.0', id: handshake.id, result: { id: 's1', resumed: true, ...result } }))
    return { ...setup, socket, answer, charge, status, slow, requests: first.tracked() as Wire[] }
  }

  it('rejects their calls at once with OutcomeUnknownError and reports their notifications (unknown); resend calls go out again', async () => {
    const { socket, answer, drops, charge, status, requests } = await written()
    // A crash: the server counted all four (received 4); charge (1), status (2) and typed (4) were running.
    answer({ received: 4, unknown: [1, 2, 4] })
    const error = await charge
    expect(isOutcomeUnknownError(error)).toBe(true)
    expect(drops).toEqual([{ reason: 'unknown', items: [{ cents: 5 }, { n: 1 }] }])
    // status (resend) is written again as a new frame; report (3) finished there: its answer comes.
    const again = socket.sent.slice(1).map(parse) as Wire[]
    expect(again.map((frame) => frame.method)).toEqual(['status'])
    socket.receive(JSON.stringify({ jsonrpc: '2.0', id: again[0]!.id, result: 'up' }))
    await expect(status).resolves.toBe('up')
    expect(requests.map((frame) => frame.method)).toEqual(['charge', 'status', 'report', 'typed'])
  })

  it('holds what the server counted and did not report, without writing it again, until an ack says it finished', async () => {
    const { client, socket, answer, slow, requests } = await written()
    answer({ received: 4, unknown: [] })
    // Nothing written again: all four were counted; they stay held (a crash now would report them).
    expect(socket.sent).toHaveLength(1)
    expect(client.queued).toBe(0)
    socket.receive(JSON.stringify({ jsonrpc: '2.0', method: 'rpc.ack', params: { received: 4 } }))
    socket.receive(JSON.stringify({ jsonrpc: '2.0', id: requests[2]!.id, result: 'built' }))
    await expect(slow).resolves.toBe('built')
  })

  it('takes an answer whose unknown is not a list of positions up to received as no session answer at all', async () => {
    const { answer, errors, charge, slow } = await written()
    answer({ received: 2, unknown: [3] })
    expect(String(errors.at(-1))).toContain('a session answer must be { id, resumed, received }')
    // No session any more: what was written on the old one may or may not have run.
    expect(isOutcomeUnknownError(await charge)).toBe(true)
    await expect(slow).rejects.toSatisfy(isOutcomeUnknownError)
  })
})

describe('sessions: frames in doubt (written, the socket died before the acknowledgement)', () => {
  it('do not expire while in doubt: the resume says the server had them, and no drop event says otherwise', async () => {
    const { client, drops } = start({ queue: { ttl: 1000 } })
    const first = await connect()
    first.answer({ id: 's1', resumed: false, received: 0 })
    for (const n of [1, 2]) client.notify('n', { n })
    first.socket.fail()
    // Offline for longer than the ttl: the next socket opens late.
    await vi.advanceTimersByTimeAsync(5000)
    expect(drops).toEqual([])
    FakeSocket.last.accept()
    const socket = FakeSocket.last
    const handshake = parse(socket.sent[0]) as Wire
    socket.receive(JSON.stringify({ jsonrpc: '2.0', id: handshake.id, result: { id: 's1', resumed: true, received: 2 } }))
    await vi.advanceTimersByTimeAsync(1000)
    expect(drops).toEqual([])
    expect(socket.sent).toHaveLength(1)
    expect(client.queued).toBe(0)
  })

  it('expire once the resume says the server lacked them (they certainly did not run), and frames behind them expire meanwhile', async () => {
    const { client, drops } = start({ queue: { ttl: 1000 } })
    const first = await connect()
    first.answer({ id: 's1', resumed: false, received: 0 })
    client.notify('n', { n: 1 })
    client.notify('n', { n: 2 })
    first.socket.fail()
    client.notify('n', { n: 3 })
    await vi.advanceTimersByTimeAsync(1500)
    // Never written: it expires on time, passing the two in doubt.
    expect(drops).toEqual([{ reason: 'expired', items: [{ n: 3 }] }])
    FakeSocket.last.accept()
    const socket = FakeSocket.last
    const handshake = parse(socket.sent[0]) as Wire
    socket.receive(JSON.stringify({ jsonrpc: '2.0', id: handshake.id, result: { id: 's1', resumed: true, received: 1 } }))
    // n 1 arrived; n 2 did not, and its ttl is long gone.
    expect(drops).toEqual([{ reason: 'expired', items: [{ n: 3 }] }, { reason: 'expired', items: [{ n: 2 }] }])
    expect(socket.sent).toHaveLength(1)
  })

  it('a call in doubt is not rejected as expired: it waits for the resume, then for its answer', async () => {
    const { client, drops } = start({ queue: { ttl: 1000 } })
    const first = await connect()
    first.answer({ id: 's1', resumed: false, received: 0 })
    const call = client.call('charge', { cents: 5 }, { timeout: 60_000 })
    const [request] = first.tracked() as Wire[]
    first.socket.fail()
    await vi.advanceTimersByTimeAsync(5000)
    FakeSocket.last.accept()
    const socket = FakeSocket.last
    const handshake = parse(socket.sent[0]) as Wire
    socket.receive(JSON.stringify({ jsonrpc: '2.0', id: handshake.id, result: { id: 's1', resumed: true, received: 1 } }))
    socket.receive(JSON.stringify({ jsonrpc: '2.0', id: request!.id, result: 'charged' }))
    await expect(call).resolves.toBe('charged')
    expect(drops).toEqual([])
  })

  it('a final close reports them as unknown, not as closed, and rejects their calls with OutcomeUnknownError', async () => {
    const { client, drops } = start()
    const first = await connect()
    first.answer({ id: 's1', resumed: false, received: 0 })
    const call = client.call('charge', { cents: 5 }).catch((err: unknown) => err)
    client.notify('n', { n: 1 })
    first.socket.fail()
    client.notify('n', { n: 2 })
    client.close()
    expect(drops).toEqual([{ reason: 'closed', items: [{ n: 2 }] }, { reason: 'unknown', items: [{ cents: 5 }, { n: 1 }] }])
    expect(isOutcomeUnknownError(await call)).toBe(true)
  })

  it('a call in doubt still times out on its own timeout (the resume may never come)', async () => {
    const { client } = start()
    const first = await connect()
    first.answer({ id: 's1', resumed: false, received: 0 })
    const call = client.call('charge', { cents: 5 }, { timeout: 2000 }).catch((err: unknown) => err)
    first.socket.fail()
    await vi.advanceTimersByTimeAsync(2000)
    const error = await call
    expect(isTimeoutError(error)).toBe(true)
    // It was written: not 'never sent', which would invite a resend of what may have run.
    expect(error).toMatchObject({ sent: true })
    expect((error as Error).message).toMatch(/^lifeline: call 'charge' timed out after 2000 ms: /)
    expect((error as Error).message).not.toMatch(/never sent/)
  })
})

describe('sessions: volatile frames', () => {
  it('numbers a volatile send like any frame written, so positions agree with the server', async () => {
    const { client } = start()
    const first = await connect()
    expect(client.send('gated', { queue: false })).toBe('dropped')
    first.answer({ id: 's1', resumed: false, received: 0 })
    expect(client.send('volatile', { queue: false })).toBe('sent')
    client.notify('n', { n: 2 })
    await reconnect(client)
    const socket = FakeSocket.last
    const handshake = parse(socket.sent[0]) as Wire
    socket.receive(JSON.stringify({ jsonrpc: '2.0', id: handshake.id, result: { id: 's1', resumed: true, received: 1 } }))
    expect(socket.sent.slice(1).map((frame) => (parse(frame) as Wire).params)).toEqual([{ n: 2 }])
  })
})

describe('sessions: bounds', () => {
  it('keeps at most maxInFlight + maxQueued calls unanswered; the rest wait in the queue, in order', async () => {
    const { client } = start()
    const server = await connect()
    server.answer({ id: 's1', resumed: false, received: 0, limits: { maxInFlight: 1, maxQueued: 1 } })
    const calls = [1, 2, 3].map((n) => client.call('work', { n }))
    client.notify('after', {})
    expect(server.tracked().map((frame) => (frame as Wire).params)).toEqual([{ n: 1 }, { n: 2 }])
    const [one] = server.tracked() as Wire[]
    server.socket.receive(JSON.stringify({ jsonrpc: '2.0', id: one!.id, result: 1 }))
    await expect(calls[0]).resolves.toBe(1)
    // The outbox checks again as the socket drains (every 40 ms).
    await vi.advanceTimersByTimeAsync(40)
    expect(server.tracked().map((frame) => (frame as Wire).method)).toEqual(['work', 'work', 'work', 'after'])
  })
})

describe('sessions: the rate limit', () => {
  const rateLimited = { maxInFlight: 32, maxQueued: 1000, rateLimit: { rate: 10, burst: 10 } }

  it('paces what it writes under the announced rate limit: the rest waits in the queue, in order', async () => {
    const { client, errors } = start()
    const server = await connect()
    server.answer({ id: 's1', resumed: false, received: 0, limits: rateLimited })
    for (let n = 1; n <= 20; n++) client.notify('n', { n })
    // 90% of a burst of 10 is 9, and the handshake took one.
    expect(server.tracked()).toHaveLength(8)
    // 10 a second, 90% of it: one more every 111 ms, polled every 40 ms.
    await vi.advanceTimersByTimeAsync(1000)
    expect(server.tracked()).toHaveLength(16)
    await vi.advanceTimersByTimeAsync(1000)
    expect(server.tracked().map((frame) => (frame as Wire).params!.n)).toEqual(Array.from({ length: 20 }, (_, index) => index + 1))
    expect(errors).toEqual([])
  })

  it('takes an answer with a malformed rate limit for no session answer at all', async () => {
    const { client, errors, sessions } = start()
    const server = await connect()
    server.answer({ id: 's1', resumed: false, received: 0, limits: { maxInFlight: 32, maxQueued: 1000, rateLimit: { rate: 0, burst: 10 } } })
    expect(sessions).toEqual([])
    expect(String(errors[0])).toMatch(/a session answer must be/)
    client.notify('n', {})
    expect(server.tracked()).toHaveLength(1)
  })
})

describe('sessions: a reload', () => {
  it('resumes the stored session with received: null and drops stored frames the server already had', async () => {
    const storage = new FakeStorage()
    const before = start({ queue: { storage: localStorageOutbox('outbox', storage) } })
    const first = await connect()
    first.answer({ id: 's1', resumed: false, received: 0 })
    for (const n of [1, 2, 3]) before.client.notify('n', { n })
    await flush()
    // The page reloads (the old one just stops) with three written frames stored, unacknowledged.
    const after = start({ queue: { storage: localStorageOutbox('outbox', storage), onClose: 'flush' } })
    await flush()
    const socket = FakeSocket.last
    socket.accept()
    await flush()
    const handshake = parse(socket.sent[0]) as Wire
    expect(handshake.params).toEqual({ id: 's1', received: null })
    socket.receive(JSON.stringify({ jsonrpc: '2.0', id: handshake.id, result: { id: 's1', resumed: true, received: 2 } }))
    expect(socket.sent.slice(1).map((frame) => (parse(frame) as Wire).params?.n)).toEqual([3])
    expect(after.sessions).toEqual([{ id: 's1', resumed: true }])
  })
})
