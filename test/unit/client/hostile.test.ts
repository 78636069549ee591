/**
 * Random and hostile frames thrown at a connected client: nothing escapes
 * the socket handler, the connection stays open, every problem arrives as an
 * `error` event carrying a typed error, and no prototype is touched.
 */
import fc from 'fast-check'
import { afterEach, expect, it, vi } from 'vitest'
import { ProtocolError, RpcError } from '../../../src/index'
import { setup, type Harness } from './harness'

let h: Harness<Record<string, never>>
afterEach(() => {
  h?.client.close()
  h?.server.stop()
  vi.useRealTimers()
})

const hostile = fc.oneof(
  fc.string(),
  fc.json(),
  fc.constantFrom(
    '{"jsonrpc":"2.0","method":"__proto__","params":{"polluted":true}}',
    '{"jsonrpc":"2.0","method":"x","params":{"__proto__":{"polluted":true}}}',
    '{"jsonrpc":"2.0","method":"rpc.publish","params":{"topic":"constructor","data":1}}',
    '{"jsonrpc":"2.0","id":"q","method":"toString"}',
    '[]', '[1,2]', 'null', '{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}',
  ),
  fc.anything().map((v) => { try { return JSON.stringify(v) ?? 'undefined' } catch { return 'x' } }),
)

it('survives any sequence of frames with typed error events only', async () => {
  h = setup()
  await h.tick()
  h.client.subscribe('constructor', () => {})
  h.client.listen('x', () => {})
  await fc.assert(fc.asyncProperty(fc.array(hostile, { maxLength: 20 }), async (frames) => {
    h.errors.length = 0
    for (const frame of frames) h.peer().send(frame)
    await h.tick()
    expect(h.client.state).toBe('open')
    for (const err of h.errors) expect(err instanceof ProtocolError || err instanceof RpcError).toBe(true)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  }), { numRuns: 60 })
})

it('rejects a queued call with QueueFullError when the outbox is full under the error policy', async () => {
  h = setup({ queue: { maxMessages: 1, overflow: 'error' } })
  const drops = vi.fn()
  h.client.on('drop', drops)
  h.client.send('first')
  expect(() => h.client.send('second')).toThrow(/outbox|full|Queue/i)
  await expect(h.client.call('m')).rejects.toMatchObject({ name: 'QueueFullError' })
  await h.tick()
  expect(h.received).toEqual(['first'])
})

it('reports frames dropped by drop-oldest and rejects a dropped queued call', async () => {
  h = setup({ queue: { maxMessages: 2, overflow: 'drop-oldest' } })
  const drops: unknown[] = []
  h.client.on('drop', (e) => drops.push(e))
  const call = h.client.call('m').catch((e: unknown) => e)
  h.client.send('a')
  h.client.send('b')
  expect(await call).toMatchObject({ name: 'QueueFullError' })
  expect(drops).toEqual([{ items: [expect.stringContaining('"method":"m"')], reason: 'overflow' }])
  await h.tick()
  expect(h.received).toEqual(['a', 'b'])
})
