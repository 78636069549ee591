// The composables take their types from the contract: names are checked, payloads and results
// inferred, refs typed; without a contract everything is `unknown`.
import { describe, expectTypeOf, it } from 'vitest'
import type { ComputedRef, ShallowRef } from 'vue'
import { createClient, type Client, type State } from '../../src/index'
import { createComposables, useCall, useConnectionState, useEvent, useTopic, type TopicStatus } from '../../src/vue/index'
import type { TypedApi as ChatApi } from '../store/contract'

declare const client: Client<ChatApi>
const composables = createComposables<ChatApi>()

describe('createComposables<C>()', () => {
  it('checks topic names and infers messages as refs', () => {
    const { data, status, seq } = composables.useTopic('room:lobby')
    expectTypeOf(data).toEqualTypeOf<ComputedRef<{ from: string; text: string } | undefined>>()
    expectTypeOf(status).toEqualTypeOf<ComputedRef<TopicStatus>>()
    expectTypeOf(seq).toEqualTypeOf<ComputedRef<number | undefined>>()
    expectTypeOf(composables.useTopic('room:lobby', { initial: { from: '', text: '' } }).data.value).toEqualTypeOf<{ from: string; text: string }>()
    const reduced = composables.useTopic('room:lobby', { initial: [] as string[], reducer: (list, message) => [...list, message.text] })
    expectTypeOf(reduced.data.value).toEqualTypeOf<string[]>()
    // A getter for the name is typed the same.
    expectTypeOf(composables.useTopic(() => 'room:lobby' as const).data.value).toEqualTypeOf<{ from: string; text: string } | undefined>()
    // @ts-expect-error: no such topic
    composables.useTopic('room:nope')
    // @ts-expect-error: the reducer must return the state type
    composables.useTopic('room:lobby', { initial: 0, reducer: (count: number) => String(count) })
  })

  it('checks method names and params (values, refs or getters), infers results', () => {
    const call = composables.useCall('room.join', { room: 'lobby' })
    expectTypeOf(call.data.value).toEqualTypeOf<{ members: string[] } | undefined>()
    expectTypeOf(call.loading.value).toEqualTypeOf<boolean>()
    expectTypeOf(call.refetch).toEqualTypeOf<() => void>()
    composables.useCall('room.join', () => ({ room: 'lobby' }))
    expectTypeOf(composables.useCall('time', undefined).data.value).toEqualTypeOf<number | undefined>()
    // @ts-expect-error: no such method
    composables.useCall('room.leave', { room: 'lobby' })
    // @ts-expect-error: wrong params
    composables.useCall('room.join', { name: 'lobby' })
    // @ts-expect-error: wrong params from a getter
    composables.useCall('room.join', () => ({ room: 1 }))
  })

  it('checks event names and payloads', () => {
    const last = composables.useEvent('typing', (payload) => expectTypeOf(payload).toEqualTypeOf<{ user: string }>())
    expectTypeOf(last).toEqualTypeOf<Readonly<ShallowRef<{ user: string } | undefined>>>()
    // @ts-expect-error: no such event
    composables.useEvent('typed')
    expectTypeOf(composables.useConnectionState().value).toEqualTypeOf<State>()
    expectTypeOf(composables.useLifeline()).toEqualTypeOf<Client<ChatApi>>()
  })
})

describe('the top-level composables', () => {
  it('infer the contract from a client passed to them', () => {
    expectTypeOf(useTopic('room:lobby', { client }).data.value).toEqualTypeOf<{ from: string; text: string } | undefined>()
    expectTypeOf(useCall('room.join', { room: 'x' }, { client }).data.value).toEqualTypeOf<{ members: string[] } | undefined>()
    useEvent('typing', (payload) => expectTypeOf(payload).toEqualTypeOf<{ user: string }>(), client)
    expectTypeOf(useConnectionState(client).value).toEqualTypeOf<State>()
    // @ts-expect-error: no such topic on this client
    useTopic('elsewhere', { client })
  })

  it('type everything as unknown without a contract', () => {
    const plain = createClient('ws://example.test/')
    expectTypeOf(useTopic('anything', { client: plain }).data.value).toEqualTypeOf<unknown>()
    expectTypeOf(useCall('anything', { any: 'params' }).data.value).toEqualTypeOf<unknown>()
  })
})
