import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ConnectionClosedError, ClientClosedError, isConnectionClosedError, isRpcError, isTimeoutError, RpcError, type TimeoutError } from '../../../src/errors'
import { createCalls, type AddOptions } from '../../../src/client/calls'
import { systemClock } from '../../../src/timers'
import type { Id } from '../../../src/protocol/protocol'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

function setup() {
  const gone = vi.fn()
  // The outbox as the call table sees it: ids whose frame still waits there.
  const queued = new Set<Id>()
  const calls = createCalls(systemClock, { gone, queued: (id) => queued.has(id), methodNotFound: -32601 })
  const add = (o: Partial<AddOptions> = {}) => {
    const id = calls.id()
    const promise = calls.add(id, { timeout: 1000, resend: false, frame: `f${id}`, ...o })
    // Record the outcome without leaving a rejection unhandled.
    const outcome = promise.then((value) => ({ value }), (error: unknown) => ({ error }))
    return { id, promise, outcome }
  }
  return { calls, gone, add, queued }
}

describe('calls: ids and settling', () => {
  it('hands out unique, increasing numeric ids', () => {
    const { calls } = setup()
    const ids = Array.from({ length: 5 }, () => calls.id())
    expect(new Set(ids).size).toBe(5)
    expect(ids).toEqual([...ids].sort((a, b) => a - b))
  })

  it('resolves on a response and forgets the call', async () => {
    const { calls, add } = setup()
    const { id, promise } = add()
    expect(calls.ids().length).toBe(1)
    expect(calls.settle({ type: 'response', id, result: { ok: 1 } })).toBe(true)
    await expect(promise).resolves.toEqual({ ok: 1 })
    expect(calls.ids().length).toBe(0)
  })

  it('rejects with an RpcError carrying code, message and data on an error', async () => {
    const { calls, add } = setup()
    const { id, outcome } = add()
    calls.settle({ type: 'error', id, error: { code: 42, message: 'nope', data: { why: 'x' } } })
    const { error } = (await outcome) as { error: RpcError }
    expect(isRpcError(error)).toBe(true)
    expect(error).toMatchObject({ code: 42, message: 'nope', data: { why: 'x' } })
  })

  it('returns false for an id it never issued, and for a null id', () => {
    const { calls, add } = setup()
    add()
    expect(calls.settle({ type: 'response', id: 999, result: 1 })).toBe(false)
    expect(calls.settle({ type: 'response', id: '1', result: 1 })).toBe(false)
    expect(calls.settle({ type: 'error', id: null, error: { code: -32700, message: 'Parse error' } })).toBe(false)
    expect(calls.ids().length).toBe(1)
  })
})

describe('calls: timeouts', () => {
  it('rejects with a TimeoutError after the timeout, and reports the id as gone', async () => {
    const { calls, gone, add } = setup()
    const { id, outcome } = add({ timeout: 500, method: 'room.join' })
    vi.advanceTimersByTime(499)
    expect(calls.ids().length).toBe(1)
    vi.advanceTimersByTime(1)
    const { error } = (await outcome) as { error: TimeoutError }
    expect(isTimeoutError(error)).toBe(true)
    expect(error.message).toBe("lifeline: call 'room.join' timed out after 500 ms: it was sent and no answer came")
    expect(error).toMatchObject({ method: 'room.join', timeout: 500, sent: true })
    expect(gone).toHaveBeenCalledWith(id)
    expect(calls.ids().length).toBe(0)
  })

  it('says so when the call timed out still waiting in the outbox: it was never sent', async () => {
    const { add, queued } = setup()
    const { id, outcome } = add({ timeout: 500, method: 'add' })
    queued.add(id)
    vi.advanceTimersByTime(500)
    const { error } = (await outcome) as { error: TimeoutError }
    expect(error.message).toBe("lifeline: call 'add' timed out after 500 ms and was never sent: it waited in the outbox")
    expect(error.sent).toBe(false)
  })

  it('does not say "never sent" of a call that was written, dropped with its socket and queued again', async () => {
    const { calls, add, queued } = setup()
    const { id, outcome } = add({ timeout: 500, method: 'cart.save' })
    calls.wrote(id)
    queued.add(id)
    vi.advanceTimersByTime(500)
    const { error } = (await outcome) as { error: TimeoutError }
    expect(error.message).toBe("lifeline: call 'cart.save' timed out after 500 ms: it was sent, the connection dropped, and it waited to be sent again")
    expect(error.sent).toBe(true)
  })

  it("names the method in a 'method not found' error", async () => {
    const { calls, add } = setup()
    const { id, outcome } = add({ method: 'room.leave' })
    calls.settle({ type: 'error', id, error: { code: -32601, message: 'Method not found' } })
    const { error } = (await outcome) as { error: RpcError }
    expect(error).toMatchObject({ code: -32601, message: 'Method not found: room.leave' })
  })

  it('names the method once when the server already did (lifeline-ws/server does)', async () => {
    const { calls, add } = setup()
    const { id, outcome } = add({ method: 'room.leave' })
    calls.settle({ type: 'error', id, error: { code: -32601, message: 'Method not found: room.leave' } })
    const { error } = (await outcome) as { error: RpcError }
    expect(error).toMatchObject({ code: -32601, message: 'Method not found: room.leave' })
  })

  it('treats Infinity, and timeouts no timer can hold, as none', async () => {
    const { calls, add } = setup()
    add({ timeout: Infinity })
    add({ timeout: 2 ** 31 })
    expect(vi.getTimerCount()).toBe(0)
    vi.advanceTimersByTime(2 ** 31 + 1)
    expect(calls.ids().length).toBe(2)
  })

  it('clears the timer when the call settles first', () => {
    const { calls, add } = setup()
    const { id } = add({ timeout: 500 })
    expect(vi.getTimerCount()).toBe(1)
    calls.settle({ type: 'response', id, result: null })
    expect(vi.getTimerCount()).toBe(0)
  })

  it('takes a late reply to a timed-out call as ours (true), without settling anything twice', async () => {
    const { calls, add } = setup()
    const { id, outcome } = add({ timeout: 10 })
    vi.advanceTimersByTime(10)
    expect(calls.settle({ type: 'response', id, result: 'late' })).toBe(true)
    expect(await outcome).toHaveProperty('error')
  })
})

describe('calls: abort', () => {
  it('rejects with the signal reason, reports the id as gone and removes its listener', async () => {
    const { calls, gone, add } = setup()
    const controller = new AbortController()
    const remove = vi.spyOn(controller.signal, 'removeEventListener')
    const { id, outcome } = add({ signal: controller.signal })
    const reason = new Error('user left')
    controller.abort(reason)
    expect(await outcome).toEqual({ error: reason })
    expect(gone).toHaveBeenCalledWith(id)
    expect(remove).toHaveBeenCalledWith('abort', expect.any(Function))
    expect(calls.ids().length).toBe(0)
    expect(vi.getTimerCount()).toBe(0)
    expect(calls.settle({ type: 'response', id, result: 1 })).toBe(true)
  })

  it('rejects at once for an already-aborted signal and arms no timer', async () => {
    const { calls, add } = setup()
    const { outcome } = add({ signal: AbortSignal.abort('already') })
    expect(await outcome).toEqual({ error: 'already' })
    expect(calls.ids().length).toBe(0)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('keeps a falsy reason a rejection', async () => {
    const { add } = setup()
    const controller = new AbortController()
    const { outcome } = add({ signal: controller.signal })
    controller.abort(0)
    expect(await outcome).toEqual({ error: 0 })
  })

  it('removes the abort listener when the call settles normally', async () => {
    const { calls, add } = setup()
    const controller = new AbortController()
    const remove = vi.spyOn(controller.signal, 'removeEventListener')
    const { id, outcome } = add({ signal: controller.signal })
    calls.settle({ type: 'response', id, result: 'ok' })
    expect(remove).toHaveBeenCalledWith('abort', expect.any(Function))
    controller.abort()
    expect(await outcome).toEqual({ value: 'ok' })
  })
})

describe('calls: socket loss and close', () => {
  it('rejects sent calls with ConnectionClosedError and leaves queued ones pending', async () => {
    const { calls, gone, add, queued: inOutbox } = setup()
    const sent = add({ method: 'room.join' })
    const queued = add()
    inOutbox.add(queued.id)
    expect(calls.lost()).toEqual([])
    const { error } = (await sent.outcome) as { error: Error }
    expect(isConnectionClosedError(error)).toBe(true)
    expect(error.message).toContain("'room.join'")
    expect(gone).not.toHaveBeenCalled()
    expect(calls.ids().length).toBe(1)
    calls.settle({ type: 'response', id: queued.id, result: 2 })
    expect(await queued.outcome).toEqual({ value: 2 })
  })

  it('returns resend calls as outbox items to queue again and keeps them pending', async () => {
    const { calls, add, queued } = setup()
    const safe = add({ resend: true, frame: 'safe' })
    expect(calls.lost()).toEqual([{ frame: 'safe', call: safe.id }])
    // Queued again: a second loss before it is written must not return it twice.
    queued.add(safe.id)
    expect(calls.lost()).toEqual([])
    queued.delete(safe.id)
    expect(calls.lost()).toEqual([{ frame: 'safe', call: safe.id }])
    calls.settle({ type: 'response', id: safe.id, result: 'done' })
    expect(await safe.outcome).toEqual({ value: 'done' })
  })

  it('reject() rejects one call only', async () => {
    const { calls, add } = setup()
    const a = add()
    const b = add()
    calls.reject(a.id, new ConnectionClosedError('x'))
    expect(await a.outcome).toHaveProperty('error')
    expect(calls.ids().length).toBe(1)
    calls.settle({ type: 'response', id: b.id, result: 1 })
    expect(await b.outcome).toEqual({ value: 1 })
  })

  it('fail() rejects every pending call, clears every timer and leaves nothing behind', async () => {
    const { calls, add } = setup()
    const all = [add(), add({ resend: true }), add({ signal: new AbortController().signal })]
    const err = new ClientClosedError('closed')
    calls.fail(err)
    for (const c of all) expect(await c.outcome).toEqual({ error: err })
    expect(calls.ids().length).toBe(0)
    expect(vi.getTimerCount()).toBe(0)
  })
})

describe('calls: one timer per distinct timeout', () => {
  it('times out many calls in order with a single timer, and each exactly at its own deadline', async () => {
    vi.useFakeTimers()
    const gone: Id[] = []
    const calls = createCalls(systemClock, { gone: (id) => gone.push(id), queued: () => false })
    const outcomes: string[] = []
    for (let i = 0; i < 5; i++) {
      const id = calls.id()
      void calls.add(id, { timeout: 100, resend: false, frame: '' }).catch(() => outcomes.push(`timeout ${id}`))
      vi.advanceTimersByTime(10)
    }
    // A settled call in the middle is skipped, not timed out.
    calls.settle({ type: 'response', id: 3, result: 'ok' })
    expect(vi.getTimerCount()).toBe(1)
    // The loop above took 50 ms; the first call is due at 100.
    await vi.advanceTimersByTimeAsync(49)
    expect(outcomes).toEqual([])
    await vi.advanceTimersByTimeAsync(1)
    expect(outcomes).toEqual(['timeout 1'])
    await vi.advanceTimersByTimeAsync(40)
    expect(outcomes).toEqual(['timeout 1', 'timeout 2', 'timeout 4', 'timeout 5'])
    expect(gone).toEqual([1, 2, 4, 5])
    expect(vi.getTimerCount()).toBe(0)
    vi.useRealTimers()
  })
})
