import { describe, expect, it, vi } from 'vitest'
import { closedError, ConnectionClosedError, isClientClosedError, isProtocolError, RpcError } from '../../../src/errors'
import type { SubscribeParams } from '../../../src/protocol/protocol'
import { createSubscriptions } from '../../../src/client/subscriptions'
import { flush } from '../../helpers/flush'

function setup() {
  const requests: { topic: string; params: SubscribeParams; resolve(v: unknown): void; reject(e: unknown): void }[] = []
  const unsubscribed: string[] = []
  const error = vi.fn()
  const subs = createSubscriptions({
    // The client settles synchronously as the answer is processed; resolve/reject play that answer.
    subscribe: (topic, params, settle) =>
      requests.push({ topic, params, resolve: (result) => settle(true, result), reject: (error) => settle(false, error) }),
    transient: (err) => err instanceof RpcError && err.code === -32000,
    unsubscribe: (topic) => unsubscribed.push(topic),
    report: error,
  })
  /** Opens, answering the resubscribe batch like the client would, through `settled`. */
  const open = () => subs.resubscribe()
  const publish = (topic: string, data: unknown, seq?: number) => subs.deliver(seq === undefined ? { topic, data } : { topic, seq, data })
  return { subs, requests, unsubscribed, error, open, publish }
}

/** Resolves to 'resolved', 'pending' or the rejection reason. */
async function state(p: Promise<unknown>): Promise<unknown> {
  let out: unknown = 'pending'
  p.then(() => (out = 'resolved'), (err: unknown) => (out = err))
  await flush()
  return out
}

describe('subscriptions: ref counting', () => {
  it('sends one request for the first handler while open, none for the rest', () => {
    const { subs, requests, open } = setup()
    open()
    subs.subscribe('room', () => {}, { params: { since: 'x' } })
    subs.subscribe('room', () => {})
    expect(requests.map((r) => r.params)).toEqual([{ topic: 'room', params: { since: 'x' } }])
  })

  it('sends nothing while closed; the next resubscribe lists the topic', () => {
    const { subs, requests, open } = setup()
    subs.subscribe('a', () => {})
    subs.subscribe('b', () => {})
    expect(requests).toEqual([])
    expect(open()).toEqual([{ topic: 'a' }, { topic: 'b' }])
  })

  it('waits again after lost()', () => {
    const { subs, requests, open } = setup()
    open()
    subs.lost()
    subs.subscribe('a', () => {})
    expect(requests).toEqual([])
  })

  it('unsubscribes on the server only when the last handler leaves, and only while open', () => {
    const { subs, unsubscribed, open } = setup()
    open()
    const a = subs.subscribe('t', () => {})
    const b = subs.subscribe('t', () => {})
    a.unsubscribe()
    a.unsubscribe()
    expect(unsubscribed).toEqual([])
    b.unsubscribe()
    expect(unsubscribed).toEqual(['t'])
    expect(open()).toEqual([])
    subs.lost()
    subs.subscribe('u', () => {}).unsubscribe()
    expect(unsubscribed).toEqual(['t'])
  })
})

describe('subscriptions: ready', () => {
  it('resolves when the server confirms; a later handler gets a resolved ready', async () => {
    const { subs, requests, open } = setup()
    open()
    const first = subs.subscribe('t', () => {})
    expect(await state(first.ready)).toBe('pending')
    requests[0]!.resolve(true)
    expect(await state(first.ready)).toBe('resolved')
    expect(await state(subs.subscribe('t', () => {}).ready)).toBe('resolved')
  })

  it('rejects with the RpcError when refused, reports it, and ends the topic', async () => {
    const { subs, requests, error, open, publish } = setup()
    open()
    const handler = vi.fn()
    const sub = subs.subscribe('secret', handler)
    const refusal = new RpcError(403, 'forbidden')
    requests[0]!.reject(refusal)
    expect(await state(sub.ready)).toBe(refusal)
    expect(error).toHaveBeenCalledWith(refusal)
    publish('secret', 1)
    expect(handler).not.toHaveBeenCalled()
    expect(open()).toEqual([])
    // A new subscriber starts over with a new request.
    subs.subscribe('secret', handler)
    expect(requests).toHaveLength(2)
  })

  it('leaves a topic pending when the socket drops mid-request, and confirms through settled()', async () => {
    const { subs, requests, error, open } = setup()
    open()
    const sub = subs.subscribe('t', () => {})
    requests[0]!.reject(new ConnectionClosedError('gone'))
    subs.lost()
    expect(await state(sub.ready)).toBe('pending')
    expect(error).not.toHaveBeenCalled()
    expect(open()).toEqual([{ topic: 't' }])
    subs.settled('t', true, { seq: 3 })
    expect(await state(sub.ready)).toBe('resolved')
  })

  it('treats a refused resubscribe like a refused subscribe', async () => {
    const { subs, error, open } = setup()
    const done = vi.fn()
    const sub = subs.subscribe('t', () => {})
    open()
    subs.settled('t', true, null)
    const loop = (async () => {
      for await (const _ of sub) void _
      done()
    })()
    const err = new RpcError(404, 'topic gone')
    subs.settled('t', false, err)
    await loop
    expect(done).toHaveBeenCalled()
    expect(error).toHaveBeenCalledWith(err)
    expect(open()).toEqual([])
  })

  it('rejects a pending ready with an AbortError when unsubscribed first, and ignores the late answer', async () => {
    const { subs, requests, open } = setup()
    open()
    const sub = subs.subscribe('t', () => {})
    sub.unsubscribe()
    expect(await state(sub.ready)).toMatchObject({ name: 'AbortError' })
    requests[0]!.resolve({ seq: 1 })
    await flush()
    expect(open()).toEqual([])
  })

  it('unsubscribes where there is no DOMException (Hermes): the AbortError is an Error of that name', async () => {
    vi.stubGlobal('DOMException', undefined)
    try {
      const { subs, open } = setup()
      open()
      const sub = subs.subscribe('t', () => {})
      sub.unsubscribe()
      const reason = await state(sub.ready)
      expect(reason).toBeInstanceOf(Error)
      expect(reason).toMatchObject({ name: 'AbortError', message: 'lifeline: unsubscribed' })
    } finally {
      vi.unstubAllGlobals()
    }
  })

  it('ignores the answer to an old request once the topic was re-created', async () => {
    const { subs, requests, open } = setup()
    open()
    subs.subscribe('t', () => {}).unsubscribe()
    const again = subs.subscribe('t', () => {})
    requests[0]!.reject(new RpcError(1, 'old'))
    expect(await state(again.ready)).toBe('pending')
    requests[1]!.resolve(true)
    expect(await state(again.ready)).toBe('resolved')
  })

  it('settles no unhandled rejection when nobody looks at ready', async () => {
    const unhandled = vi.fn()
    process.on('unhandledRejection', unhandled)
    try {
      const { subs, requests, open } = setup()
      open()
      subs.subscribe('t', () => {})
      requests[0]!.reject(new RpcError(1, 'no'))
      await flush()
      expect(unhandled).not.toHaveBeenCalled()
    } finally {
      process.off('unhandledRejection', unhandled)
    }
  })
})

describe('subscriptions: delivery, dedupe and cursors', () => {
  it('calls every handler of the topic with data and meta, and nobody else', () => {
    const { subs, publish } = setup()
    const a = vi.fn()
    const b = vi.fn()
    const other = vi.fn()
    subs.subscribe('t', a)
    subs.subscribe('t', b)
    subs.subscribe('u', other)
    publish('t', { x: 1 }, 5)
    expect(a).toHaveBeenCalledWith({ x: 1 }, { topic: 't', seq: 5 })
    expect(b).toHaveBeenCalledWith({ x: 1 }, { topic: 't', seq: 5 })
    expect(other).not.toHaveBeenCalled()
    publish('nobody', 1)
  })

  it('gives every handler of one message the same meta object, and each message a new one', () => {
    const { subs, publish } = setup()
    const metas: unknown[] = []
    const collect = (_data: unknown, meta: unknown) => metas.push(meta)
    subs.subscribe('t', collect)
    subs.subscribe('t', collect)
    publish('t', 'same')
    publish('t', 'same')
    // The leader tab's hub tells a message it has broadcast by its meta (share/hub.ts).
    expect(metas).toHaveLength(4)
    expect(metas[0]).toBe(metas[1])
    expect(metas[2]).toBe(metas[3])
    expect(metas[1]).not.toBe(metas[2])
  })

  it('drops duplicates and old messages by seq, and passes unnumbered ones', () => {
    const { subs, publish } = setup()
    const seen: unknown[] = []
    subs.subscribe('t', (d) => seen.push(d))
    publish('t', 'a', 1)
    publish('t', 'b', 2)
    publish('t', 'b again', 2)
    publish('t', 'old', 1)
    publish('t', 'plain')
    publish('t', 'c', 3)
    expect(seen).toEqual(['a', 'b', 'plain', 'c'])
  })

  it('resubscribes with the last seq seen as the cursor, and keeps params', () => {
    const { subs, open, publish } = setup()
    subs.subscribe('t', () => {}, { params: { filter: 1 } })
    publish('t', 'x', 41)
    publish('t', 'y', 42)
    expect(open()).toEqual([{ topic: 't', after: 42, params: { filter: 1 } }])
  })

  it('adopts the server seq on a first subscribe, so the first reconnect can replay', async () => {
    const { subs, requests, open } = setup()
    open()
    subs.subscribe('t', () => {})
    requests[0]!.resolve({ seq: 10, gap: false })
    await flush()
    expect(open()).toEqual([{ topic: 't', after: 10 }])
  })

  it('keeps its own cursor over the server seq when there is no gap (replay follows)', () => {
    const { subs, open, publish } = setup()
    subs.subscribe('t', () => {})
    publish('t', 'x', 5)
    open()
    subs.settled('t', true, { seq: 9, gap: false })
    expect(open()).toEqual([{ topic: 't', after: 5 }])
  })

  it('after a restarted numbering, calls onGap of every subscriber and takes the new numbering from its start', () => {
    const { subs, open, publish } = setup()
    const onGap = vi.fn()
    const onGap2 = vi.fn()
    const seen: unknown[] = []
    subs.subscribe('t', (d) => seen.push(d), { onGap })
    subs.subscribe('t', () => {}, { onGap: onGap2 })
    publish('t', 'x', 500)
    open()
    // The server restarted without its history: its numbering begins again, and it replays what it has.
    subs.settled('t', true, { seq: 3, gap: true })
    expect(onGap).toHaveBeenCalledTimes(1)
    expect(onGap2).toHaveBeenCalledTimes(1)
    publish('t', 'one', 1)
    publish('t', 'two', 2)
    publish('t', 'three', 3)
    publish('t', 'three', 3)
    publish('t', 'new', 4)
    expect(seen).toEqual(['x', 'one', 'two', 'three', 'new'])
    expect(open()).toEqual([{ topic: 't', after: 4 }])
  })

  it('sends back the epoch of the answer with its cursor, and takes another epoch for a new numbering even below its cursor', () => {
    const { subs, open, publish } = setup()
    const onGap = vi.fn()
    const seen: unknown[] = []
    subs.subscribe('t', (d, meta) => seen.push([d, meta.seq]), { onGap })
    open()
    subs.settled('t', true, { seq: null, gap: false, epoch: 'old' })
    publish('t', 'a', 1)
    publish('t', 'b', 2)
    expect(open()).toEqual([{ topic: 't', after: 2, epoch: 'old' }])
    // A new process with a history of its own, already at 3: by numbers alone, 1 and 2 look seen.
    subs.settled('t', true, { seq: 3, gap: true, epoch: 'new' })
    publish('t', 'n1', 1)
    publish('t', 'n2', 2)
    publish('t', 'n3', 3)
    expect(seen).toEqual([['a', 1], ['b', 2], ['n1', 1], ['n2', 2], ['n3', 3]])
    expect(onGap).toHaveBeenCalledTimes(1)
    expect(open()).toEqual([{ topic: 't', after: 3, epoch: 'new' }])
    // The same epoch after a gap is a pruned history: the cursor stays.
    subs.settled('t', true, { seq: 9, gap: true, epoch: 'new' })
    publish('t', 'kept', 8)
    expect(seen.at(-1)).toEqual(['kept', 8])
    expect(open()).toEqual([{ topic: 't', after: 8, epoch: 'new' }])
  })

  it("starts from a handed-over cursor with its epoch (a share leader's), and shows each subscription the numbering it counts in now", () => {
    const { subs, open, publish, requests } = setup()
    const seen: unknown[] = []
    const first = subs.subscribe('t', (d) => seen.push(d), { after: 3, epoch: 'old' })
    // An epoch names the numbering of a cursor (a tab that joined knows it before it has one): alone it is not sent.
    subs.subscribe('u', undefined, { epoch: 'old' })
    expect(open()).toEqual([{ topic: 't', after: 3, epoch: 'old' }, { topic: 'u' }])
    expect(open()[1]).not.toHaveProperty('epoch')
    expect(first.epoch).toBe('old')
    // The server restarted without a shared history and is at 5 already: everything it keeps is new.
    subs.settled('t', true, { seq: 5, gap: true, epoch: 'new' })
    for (const seq of [1, 2, 3, 4, 5]) publish('t', `n${seq}`, seq)
    expect(seen).toEqual(['n1', 'n2', 'n3', 'n4', 'n5'])
    // A later subscription of the topic shares its numbering.
    expect([first.epoch, subs.subscribe('t').epoch]).toEqual(['new', 'new'])
    // Subscribed while connected: sent at once, the same way.
    subs.subscribe('v', undefined, { after: 2, epoch: 'old' })
    expect(requests.map((r) => r.params)).toEqual([{ topic: 'v', after: 2, epoch: 'old' }])
  })

  it('after a gap in a history that was pruned, keeps its cursor and takes what the server still keeps', () => {
    const { subs, open, publish } = setup()
    const onGap = vi.fn()
    const seen: unknown[] = []
    subs.subscribe('t', (d, meta) => seen.push([d, meta.seq]), { onGap })
    publish('t', 'x', 5)
    open()
    // 6..14 are forgotten; 15 and 16 are kept and replayed after the answer.
    subs.settled('t', true, { seq: 16, gap: true })
    publish('t', 'kept', 15)
    publish('t', 'last', 16)
    publish('t', 'live', 17)
    expect(onGap).toHaveBeenCalledTimes(1)
    expect(seen).toEqual([['x', 5], ['kept', 15], ['last', 16], ['live', 17]])
  })

  it('reads a null seq as a numbered topic with no message yet (cursor 0), on a gap and on a first subscribe', () => {
    const { subs, open, publish } = setup()
    subs.subscribe('t', () => {})
    subs.subscribe('fresh', () => {})
    publish('t', 'x', 7)
    open()
    subs.settled('t', true, { seq: null, gap: true })
    subs.settled('fresh', true, { seq: null, gap: false })
    expect(open()).toEqual([{ topic: 't', after: 0 }, { topic: 'fresh', after: 0 }])
  })

  it('leaves the cursor alone for a plain confirmation', () => {
    const { subs, open } = setup()
    subs.subscribe('t', () => {})
    open()
    subs.settled('t', true, true)
    subs.settled('t', true, { seq: 'nine' })
    expect(open()).toEqual([{ topic: 't' }])
  })

  it('reports a handler that throws, and still runs the others', () => {
    const { subs, error, publish } = setup()
    const boom = new Error('handler bug')
    const after = vi.fn()
    subs.subscribe('t', () => {
      throw boom
    })
    subs.subscribe('t', after)
    publish('t', 1)
    expect(error).toHaveBeenCalledWith(boom)
    expect(after).toHaveBeenCalledWith(1, { topic: 't', seq: undefined })
  })

  it('lets a handler unsubscribe another mid-dispatch without skipping or crashing', () => {
    const { subs, publish } = setup()
    const second = vi.fn()
    const subB: { unsubscribe(): void }[] = []
    subs.subscribe('t', () => subB[0]!.unsubscribe())
    subB.push(subs.subscribe('t', second))
    publish('t', 1)
    publish('t', 2)
    expect(second).toHaveBeenCalledTimes(1)
  })

  it.each([
    ['no params', undefined],
    ['a string', 'x'],
    ['no topic', { data: 1 }],
    ['a numeric topic', { topic: 1, data: 1 }],
    ['a string seq', { topic: 't', seq: '1', data: 1 }],
  ])('reports a ProtocolError for a publish with %s', (_, params) => {
    const { subs, error } = setup()
    const handler = vi.fn()
    subs.subscribe('t', handler)
    subs.deliver(params)
    expect(isProtocolError(error.mock.calls[0]?.[0])).toBe(true)
    expect(handler).not.toHaveBeenCalled()
  })
})

describe('subscriptions: async iteration and close', () => {
  it('iterates data, buffered from the subscribe call when there is no handler', async () => {
    const { subs, publish } = setup()
    const sub = subs.subscribe<number>('t')
    publish('t', 1, 1)
    publish('t', 2, 2)
    const seen: number[] = []
    for await (const n of sub) {
      seen.push(n)
      if (n === 2) break
    }
    expect(seen).toEqual([1, 2])
  })

  it('unsubscribes when the loop is left early', async () => {
    const { subs, unsubscribed, open, publish } = setup()
    open()
    const sub = subs.subscribe('t')
    publish('t', 'x')
    for await (const _ of sub) break
    expect(unsubscribed).toEqual(['t'])
  })

  it('ends the loop on unsubscribe(), and gives an ended iterator afterwards', async () => {
    const { subs } = setup()
    const sub = subs.subscribe('t', () => {})
    const next = sub[Symbol.asyncIterator]().next()
    sub.unsubscribe()
    expect(await next).toEqual({ value: undefined, done: true })
    expect(await sub[Symbol.asyncIterator]().next()).toEqual({ value: undefined, done: true })
  })

  it('close() ends iterators and rejects pending readies with ClientClosedError', async () => {
    const { subs, requests, open, unsubscribed } = setup()
    open()
    const confirmed = subs.subscribe('a', () => {})
    requests[0]!.resolve(true)
    await flush()
    const pending = subs.subscribe('b')
    const next = pending[Symbol.asyncIterator]().next()
    subs.close(closedError())
    expect(await next).toEqual({ value: undefined, done: true })
    expect(isClientClosedError(await state(pending.ready))).toBe(true)
    expect(await state(confirmed.ready)).toBe('resolved')
    expect(unsubscribed).toEqual([])
    expect(subs.resubscribe()).toEqual([])
  })

  it('after close(), subscribe gives a closed subscription and sends nothing', async () => {
    const { subs, requests } = setup()
    subs.close(closedError())
    const sub = subs.subscribe('t')
    expect(isClientClosedError(await state(sub.ready))).toBe(true)
    expect(await sub[Symbol.asyncIterator]().next()).toEqual({ value: undefined, done: true })
    expect(requests).toEqual([])
    expect(subs.resubscribe()).toEqual([])
  })
})
