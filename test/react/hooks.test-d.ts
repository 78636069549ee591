// The hooks take their types from the client's contract: names are checked, payloads and
// results inferred; without a contract everything is `unknown`.
import { describe, expectTypeOf, it } from 'vitest'
import { createClient, type Client, type State } from '../../src/index'
import { createHooks, useCall, useConnectionState, useEvent, useTopic, type CallState, type TopicState } from '../../src/react/index'
import type { TypedApi as ChatApi } from '../store/contract'

declare const client: Client<ChatApi>
const hooks = createHooks<ChatApi>()

describe('createHooks<C>()', () => {
  it('checks topic names and infers messages', () => {
    expectTypeOf(hooks.useTopic('room:lobby')).toEqualTypeOf<TopicState<{ from: string; text: string } | undefined>>()
    expectTypeOf(hooks.useTopic('room:lobby', { initial: { from: '', text: '' } }).data).toEqualTypeOf<{ from: string; text: string }>()
    const reduced = hooks.useTopic('room:lobby', { initial: [] as string[], reducer: (list, message) => [...list, message.text] })
    expectTypeOf(reduced.data).toEqualTypeOf<string[]>()
    // @ts-expect-error: no such topic
    hooks.useTopic('room:nope')
    // @ts-expect-error: the reducer must return the state type
    hooks.useTopic('room:lobby', { initial: 0, reducer: (count: number) => String(count) })
  })

  it('checks method names and params, infers results', () => {
    expectTypeOf(hooks.useCall('room.join', { room: 'lobby' })).toEqualTypeOf<CallState<{ members: string[] }>>()
    expectTypeOf(hooks.useCall('time', undefined).data).toEqualTypeOf<number | undefined>()
    // @ts-expect-error: no such method
    hooks.useCall('room.leave', { room: 'lobby' })
    // @ts-expect-error: wrong params
    hooks.useCall('room.join', { name: 'lobby' })
  })

  it('checks event names and payloads', () => {
    hooks.useEvent('typing', (payload) => expectTypeOf(payload).toEqualTypeOf<{ user: string }>())
    // @ts-expect-error: no such event
    hooks.useEvent('typed', () => {})
    expectTypeOf(hooks.useConnectionState()).toEqualTypeOf<State>()
    expectTypeOf(hooks.useLifeline()).toEqualTypeOf<Client<ChatApi>>()
  })
})

describe('the top-level hooks', () => {
  it('infer the contract from a client passed to them', () => {
    expectTypeOf(useTopic('room:lobby', { client }).data).toEqualTypeOf<{ from: string; text: string } | undefined>()
    expectTypeOf(useCall('room.join', { room: 'x' }, { client }).data).toEqualTypeOf<{ members: string[] } | undefined>()
    useEvent('typing', (payload) => expectTypeOf(payload).toEqualTypeOf<{ user: string }>(), client)
    expectTypeOf(useConnectionState(client)).toEqualTypeOf<State>()
    // @ts-expect-error: no such topic on this client
    useTopic('elsewhere', { client })
    // @ts-expect-error: wrong params for this client's method
    useCall('room.join', { room: 1 }, { client })
  })

  it('type everything as unknown without a contract', () => {
    const plain = createClient('ws://example.test/')
    expectTypeOf(useTopic('anything', { client: plain }).data).toEqualTypeOf<unknown>()
    expectTypeOf(useCall('anything', { any: 'params' }).data).toEqualTypeOf<unknown>()
    useEvent('anything', (payload) => expectTypeOf(payload).toEqualTypeOf<unknown>())
  })
})
