// Issue #19, client side: a subscribe answer is processed synchronously in frame order, a cursor is
// never moved back past a message already delivered, and "too many requests" is no refusal.
import { describe, expect, it, vi } from 'vitest'
import { createClient, type Client } from '../../../src/index'
import { FakeSocket } from '../../helpers/fake-socket'
import { fakeTimersPerTest, flush } from '../socket/harness'

fakeTimersPerTest()

async function connected(): Promise<{ client: Client; socket: FakeSocket; errors: unknown[] }> {
  const client = createClient('ws://test.local/topics', {
    WebSocket: FakeSocket.ctor,
    environment: { window: undefined, document: undefined, navigator: undefined },
    heartbeat: false,
    reconnect: { initialDelay: 0 },
  })
  const errors: unknown[] = []
  client.on('error', (err) => errors.push(err))
  await flush()
  FakeSocket.last.accept()
  // A plain JSON-RPC server: no sessions.
  const handshake = JSON.parse(String(FakeSocket.last.sent.shift())) as { id: number; method: string }
  expect(handshake.method).toBe('rpc.session')
  FakeSocket.last.receive(JSON.stringify({ jsonrpc: '2.0', id: handshake.id, error: { code: -32601, message: 'Method not found' } }))
  return { client, socket: FakeSocket.last, errors }
}

const sentJson = (socket: FakeSocket) => socket.sent.map((frame) => JSON.parse(String(frame)) as unknown)
const publish = (seq: number, data: unknown) => JSON.stringify({ jsonrpc: '2.0', method: 'rpc.publish', params: { topic: 'feed', seq, data } })

describe('topics: answers in frame order', () => {
  it('delivers a message that follows a gap answer in the same read once, after onGap, and keeps its cursor', async () => {
    const { client, socket } = await connected()
    const seen: string[] = []
    client.subscribe('feed', (data, meta) => seen.push(`${String(data)}@${meta.seq}`), { onGap: () => seen.push('gap') })
    const [request] = sentJson(socket) as Array<{ id: number }>
    socket.receive(JSON.stringify({ jsonrpc: '2.0', id: request!.id, result: { seq: 1, gap: false } }))

    // The socket drops; on the next open the resubscribe says after: 1, and the server answers with a gap.
    socket.fail()
    await vi.advanceTimersByTimeAsync(1)
    const next = FakeSocket.last
    next.accept()
    const [batch] = sentJson(next) as Array<Array<{ id: number; params: { after?: number } }>>
    expect(batch![0]!.params.after).toBe(1)
    // Both frames in one read: the gap answer (the server's seq is 200), then message 201 at once.
    next.receive(JSON.stringify([{ jsonrpc: '2.0', id: batch![0]!.id, result: { seq: 200, gap: true } }]))
    next.receive(publish(201, 'x'))
    await flush()
    expect(seen).toEqual(['gap', 'x@201'])

    // The next reconnect asks for what follows 201: nothing is delivered twice.
    next.fail()
    await vi.advanceTimersByTimeAsync(1)
    FakeSocket.last.accept()
    const [again] = sentJson(FakeSocket.last) as Array<Array<{ params: { after?: number } }>>
    expect(again![0]!.params.after).toBe(201)
    FakeSocket.last.receive(publish(201, 'x'))
    expect(seen).toEqual(['gap', 'x@201'])
  })

  it('never moves the cursor back past a message delivered before the answer', async () => {
    const { client, socket } = await connected()
    const seen: number[] = []
    client.subscribe('feed', (_data, meta) => seen.push(meta.seq!))
    const [request] = sentJson(socket) as Array<{ id: number }>
    socket.receive(publish(5, 'early'))
    socket.receive(JSON.stringify({ jsonrpc: '2.0', id: request!.id, result: { seq: 4, gap: false } }))
    socket.fail()
    await vi.advanceTimersByTimeAsync(1)
    FakeSocket.last.accept()
    const [batch] = sentJson(FakeSocket.last) as Array<Array<{ params: { after?: number } }>>
    expect(batch![0]!.params.after).toBe(5)
    expect(seen).toEqual([5])
  })
})

describe('topics: a server over its limits', () => {
  it('does not take "too many requests" (-32000) as a refusal: the next open asks again', async () => {
    const { client, socket, errors } = await connected()
    const subscription = client.subscribe('feed', () => {})
    const [request] = sentJson(socket) as Array<{ id: number }>
    socket.receive(JSON.stringify({ jsonrpc: '2.0', id: request!.id, error: { code: -32000, message: 'Too many requests' } }))
    expect(errors).toEqual([])

    socket.fail()
    await vi.advanceTimersByTimeAsync(1)
    const next = FakeSocket.last
    next.accept()
    const [batch] = sentJson(next) as Array<Array<{ id: number; params: { topic: string } }>>
    expect(batch!.map((message) => message.params.topic)).toEqual(['feed'])
    next.receive(JSON.stringify([{ jsonrpc: '2.0', id: batch![0]!.id, result: { seq: null } }]))
    await expect(subscription.ready).resolves.toBeUndefined()
  })

  it('still takes any other error as a refusal', async () => {
    const { client, socket, errors } = await connected()
    const subscription = client.subscribe('feed', () => {})
    const [request] = sentJson(socket) as Array<{ id: number }>
    socket.receive(JSON.stringify({ jsonrpc: '2.0', id: request!.id, error: { code: 403, message: 'Forbidden' } }))
    await expect(subscription.ready).rejects.toMatchObject({ code: 403 })
    expect(errors).toHaveLength(1)
  })
})
