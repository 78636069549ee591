// The stores take their types from the contract: names are checked, payloads and results
// inferred; each is a Svelte store of its state (what `$store` gives).
import { describe, expectTypeOf, it } from 'vitest'
import type { Readable as SvelteReadable } from 'svelte/store'
import { createClient, type Client, type State } from '../../src/index'
import { call, connectionState, createStores, event, topic, type CallState, type TopicState } from '../../src/svelte/index'
import type { TypedApi as ChatApi } from '../store/contract'

declare const client: Client<ChatApi>
const stores = createStores<ChatApi>()
type Message = { from: string; text: string }

describe('createStores<C>()', () => {
  it('gives Svelte stores of the topic state, names checked', () => {
    const room = stores.topic('room:lobby')
    expectTypeOf(room).toMatchTypeOf<SvelteReadable<TopicState<Message | undefined>>>()
    expectTypeOf(room.get().data).toEqualTypeOf<Message | undefined>()
    expectTypeOf(stores.topic('room:lobby', { initial: { from: '', text: '' } }).get().data).toEqualTypeOf<Message>()
    expectTypeOf(stores.topic('room:lobby', { initial: [] as string[], reducer: (list, message) => [...list, message.text] }).get().data).toEqualTypeOf<string[]>()
    // @ts-expect-error: no such topic
    stores.topic('room:nope')
  })

  it('checks method names and params, infers results', () => {
    const join = stores.call('room.join', { room: 'lobby' })
    expectTypeOf(join).toMatchTypeOf<SvelteReadable<CallState<{ members: string[] }>>>()
    expectTypeOf(join.refetch).toEqualTypeOf<() => void>()
    expectTypeOf(stores.call('time', undefined).get().data).toEqualTypeOf<number | undefined>()
    // @ts-expect-error: no such method
    stores.call('room.leave', { room: 'lobby' })
    // @ts-expect-error: wrong params
    stores.call('room.join', { name: 'lobby' })
  })

  it('checks event names and payloads', () => {
    const typing = stores.event('typing')
    expectTypeOf(typing).toMatchTypeOf<SvelteReadable<{ user: string } | undefined>>()
    typing.listen((payload) => expectTypeOf(payload).toEqualTypeOf<{ user: string }>())
    // @ts-expect-error: no such event
    stores.event('typed')
    expectTypeOf(stores.connectionState()).toMatchTypeOf<SvelteReadable<State>>()
    expectTypeOf(stores.getLifeline()).toEqualTypeOf<Client<ChatApi>>()
  })
})

describe('the top-level stores', () => {
  it('infer the contract from a client passed to them', () => {
    expectTypeOf(topic('room:lobby', { client }).get().data).toEqualTypeOf<Message | undefined>()
    expectTypeOf(call('room.join', { room: 'x' }, { client }).get().data).toEqualTypeOf<{ members: string[] } | undefined>()
    event('typing', client).listen((payload) => expectTypeOf(payload).toEqualTypeOf<{ user: string }>())
    expectTypeOf(connectionState(client).get()).toEqualTypeOf<State>()
    // @ts-expect-error: no such topic on this client
    topic('elsewhere', { client })
  })

  it('type everything as unknown without a contract', () => {
    const plain = createClient('ws://example.test/')
    expectTypeOf(topic('anything', { client: plain }).get().data).toEqualTypeOf<unknown>()
    expectTypeOf(call('anything', { any: 'params' }, { client: plain }).get().data).toEqualTypeOf<unknown>()
  })
})
