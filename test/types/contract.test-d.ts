import { describe, expectTypeOf, it } from 'vitest'
import { createClient, type Client, type Subscription } from '../../src/index'

interface ChatApi {
  methods: {
    'room.join': (p: { room: string }) => { members: string[] }
    'room.leave': (p: { room: string }) => Promise<void>
    'server.time': () => number
    typing: (p: { room: string }) => void
  }
  events: { typing: { user: string }; 'user.joined': { user: string; room: string } }
  topics: { prices: { symbol: string; price: number } }
  handlers: { 'client.version': () => string; 'client.echo': (p: { text: string }) => { text: string } }
}

declare const chat: Client<ChatApi>
declare const loose: Client

describe('with a contract', () => {
  it('infers results from the method', () => {
    expectTypeOf(chat.call('room.join', { room: 'lobby' })).toEqualTypeOf<Promise<{ members: string[] }>>()
    expectTypeOf(chat.call('room.leave', { room: 'lobby' })).toEqualTypeOf<Promise<void>>()
    expectTypeOf(chat.call('server.time')).toEqualTypeOf<Promise<number>>()
  })

  it('accepts call options after the params', () => {
    expectTypeOf(chat.call('room.join', { room: 'a' }, { timeout: 1000, resend: true })).toEqualTypeOf<Promise<{ members: string[] }>>()
    expectTypeOf(chat.call('server.time', undefined, { signal: new AbortController().signal })).toEqualTypeOf<Promise<number>>()
  })

  it('rejects wrong method names and params at compile time', () => {
    // @ts-expect-error unknown method
    void chat.call('room.jion', { room: 'lobby' })
    // @ts-expect-error wrong params type
    void chat.call('room.join', { room: 42 })
    // @ts-expect-error missing params
    void chat.call('room.join')
    // @ts-expect-error params on a method that takes none
    void chat.call('server.time', { now: true })
    // @ts-expect-error unknown call option
    void chat.call('room.join', { room: 'a' }, { retries: 3 })
  })

  it('types notify params', () => {
    chat.notify('typing', { room: 'lobby' })
    // @ts-expect-error wrong params
    chat.notify('typing', { roam: 'lobby' })
  })

  it('types event payloads and rejects unknown events', () => {
    chat.listen('typing', (payload) => expectTypeOf(payload).toEqualTypeOf<{ user: string }>())
    expectTypeOf(chat.listen('user.joined')).toEqualTypeOf<AsyncIterableIterator<{ user: string; room: string }>>()
    // @ts-expect-error unknown event
    chat.listen('typo', () => {})
    // @ts-expect-error wrong handler payload
    chat.listen('typing', (p: { id: number }) => p)
  })

  it('types topic messages', () => {
    const sub = chat.subscribe('prices', (tick, meta) => {
      expectTypeOf(tick).toEqualTypeOf<{ symbol: string; price: number }>()
      expectTypeOf(meta.seq).toEqualTypeOf<number | undefined>()
    })
    expectTypeOf(sub).toEqualTypeOf<Subscription<{ symbol: string; price: number }>>()
    expectTypeOf(sub.ready).toEqualTypeOf<Promise<void>>()
    // @ts-expect-error unknown topic
    chat.subscribe('pricez')
  })

  it('types handlers', () => {
    chat.handle('client.version', () => '1.0')
    chat.handle('client.echo', async (p) => ({ text: p.text }))
    // @ts-expect-error wrong result type
    chat.handle('client.version', () => 1)
    // @ts-expect-error unknown handler
    chat.handle('client.nope', () => 1)
  })
})

describe('without a contract', () => {
  it('is unknown, never any', () => {
    expectTypeOf(loose.call('anything', { x: 1 })).toEqualTypeOf<Promise<unknown>>()
    expectTypeOf(loose.call('anything')).toEqualTypeOf<Promise<unknown>>()
    loose.listen('whatever', (payload) => expectTypeOf(payload).toEqualTypeOf<unknown>())
    loose.subscribe('t', (data) => expectTypeOf(data).toEqualTypeOf<unknown>())
    loose.handle('m', (params) => expectTypeOf(params).toEqualTypeOf<unknown>())
  })

  it('createClient defaults to the loose contract', () => {
    expectTypeOf(createClient('ws://x')).toEqualTypeOf<Client>()
  })
})

describe('lifecycle events', () => {
  it('types listeners and returns an unsubscribe', () => {
    const off = loose.on('state', (state, prev) => {
      expectTypeOf(state).toEqualTypeOf<'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed'>()
      expectTypeOf(prev).toEqualTypeOf(state)
    })
    expectTypeOf(off).toEqualTypeOf<() => void>()
    loose.on('close', (e) => expectTypeOf(e.code).toEqualTypeOf<number>())
    loose.on('reconnecting', (i) => expectTypeOf(i.delay).toEqualTypeOf<number>())
    // @ts-expect-error server events are not lifecycle events
    loose.on('typing', () => {})
  })
})
