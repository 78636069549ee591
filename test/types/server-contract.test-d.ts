// createServer<C> takes the contract createClient<C> takes: each method's params and result, the
// events of ctx.notify and broadcast, the topics of publish, and the client's handlers ctx.call
// reaches. Without a contract everything is unknown (never any), as before contracts.
import { describe, expectTypeOf, it } from 'vitest'
import {
  createServer, redisBroker, type Context, type MethodHandler, type Server, type ServerMethod, type ServerMethods,
} from '../../src/server'
import type { Contract } from '../../src/server'

interface ChatApi {
  methods: {
    'room.join': (p: { room: string }) => { members: string[] }
    'room.say': (p: { room: string; text: string }) => Promise<number>
    'server.time': () => number
    typing: (p: { room: string }) => void
  }
  events: { typing: { user: string }; 'server.restart': undefined }
  topics: { [room: `room:${string}`]: { from: string; text: string }; prices: { price: number } }
  handlers: { 'client.version': () => string; 'client.echo': (p: { text: string }) => { text: string } }
}

const chatMethods: ServerMethods<ChatApi> = {
  'room.join': ({ room }) => ({ members: [room] }),
  'room.say': async ({ text }) => text.length,
  'server.time': () => Date.now(),
  typing: () => {},
}

describe('createServer<C>', () => {
  it('types each method from the contract', () => {
    createServer<ChatApi>({
      noServer: true,
      methods: {
        'room.join': ({ room }, ctx, message) => {
          expectTypeOf(room).toEqualTypeOf<string>()
          expectTypeOf(ctx).toEqualTypeOf<Context<unknown, ChatApi>>()
          expectTypeOf(message.type).toEqualTypeOf<'request' | 'notification'>()
          return { members: [] }
        },
        'room.say': async (params) => {
          expectTypeOf(params).toEqualTypeOf<{ room: string; text: string }>()
          return 1
        },
        'server.time': (params) => {
          expectTypeOf(params).toEqualTypeOf<undefined>()
          return 0
        },
        typing: () => {},
      },
    })
  })

  it('refuses a wrong param, a wrong result, an unknown or a missing method', () => {
    createServer<ChatApi>({
      noServer: true,
      methods: {
        ...chatMethods,
        // @ts-expect-error the contract's room is a string
        'room.join': ({ room }: { room: number }) => ({ members: [String(room)] }),
      },
    })
    createServer<ChatApi>({
      noServer: true,
      methods: {
        ...chatMethods,
        // @ts-expect-error the contract's result is { members: string[] }
        'room.join': () => ({ members: 3 }),
      },
    })
    createServer<ChatApi>({
      noServer: true,
      methods: {
        ...chatMethods,
        // @ts-expect-error a promise of the wrong result is wrong too
        'room.say': async () => 'sent',
      },
    })
    createServer<ChatApi>({
      noServer: true,
      methods: {
        ...chatMethods,
        // @ts-expect-error not in the contract
        'room.jion': () => ({ members: [] }),
      },
    })
    // @ts-expect-error room.say, server.time and typing are missing
    createServer<ChatApi>({ noServer: true, methods: { 'room.join': () => ({ members: [] }) } })
    // @ts-expect-error a contract with methods needs them
    createServer<ChatApi>({ noServer: true })
  })

  it('types ctx.notify and broadcast by the contract events', () => {
    const server = createServer<ChatApi>({
      noServer: true,
      methods: chatMethods,
      onConnect(ctx) {
        ctx.notify('typing', { user: 'ada' })
        ctx.notify('server.restart')
        // @ts-expect-error an unknown event
        ctx.notify('typo', { user: 'ada' })
        // @ts-expect-error a wrong payload
        ctx.notify('typing', { user: 1 })
        // @ts-expect-error a payload is required
        ctx.notify('typing')
      },
    })
    server.broadcast('typing', { user: 'ada' })
    server.broadcast('server.restart')
    // @ts-expect-error an unknown event
    server.broadcast('typo')
    // @ts-expect-error a wrong payload
    server.broadcast('typing', { name: 'ada' })
  })

  it('types publish by the contract topics, patterns included', () => {
    const server = createServer<ChatApi>({ noServer: true, methods: chatMethods })
    expectTypeOf(server.publish('room:lobby', { from: 'ada', text: 'hi' })).toEqualTypeOf<number>()
    server.publish('prices', { price: 1 })
    // @ts-expect-error an unknown topic
    server.publish('pricez', { price: 1 })
    // @ts-expect-error a wrong message for the room pattern
    server.publish('room:lobby', { from: 'ada' })
    // @ts-expect-error a message is required
    server.publish('prices')
  })

  it('types ctx.call by the client handlers', () => {
    createServer<ChatApi>({
      noServer: true,
      methods: {
        ...chatMethods,
        'room.join': async (_params, ctx) => {
          expectTypeOf(ctx.call('client.version')).toEqualTypeOf<Promise<string>>()
          expectTypeOf(ctx.call('client.echo', { text: 'x' }, { timeout: 100 })).toEqualTypeOf<Promise<{ text: string }>>()
          // @ts-expect-error an unknown handler
          void ctx.call('client.nope')
          // @ts-expect-error a wrong param
          void ctx.call('client.echo', { text: 1 })
          // @ts-expect-error an unknown call option
          void ctx.call('client.version', undefined, { retries: 1 })
          return { members: [] }
        },
      },
    })
  })

  it('types the contexts of the hooks and of server.clients', () => {
    const server = createServer<ChatApi>({ noServer: true, methods: chatMethods, onDisconnect: (ctx) => ctx.notify('typing', { user: 'x' }) })
    expectTypeOf(server).toEqualTypeOf<Server<unknown, number, ChatApi>>()
    expectTypeOf(server.clients).toEqualTypeOf<ReadonlyMap<string, Context<unknown, ChatApi>>>()
  })

  it('takes Auth as the second type argument', () => {
    createServer<ChatApi, { user: string }>({
      noServer: true,
      authenticate: () => ({ user: 'ada' }),
      methods: {
        ...chatMethods,
        'room.join': (_params, ctx) => ({ members: [ctx.auth.user] }),
      },
    })
    // @ts-expect-error authenticate must return the Auth given
    createServer<ChatApi, { user: string }>({ noServer: true, methods: chatMethods, authenticate: () => ({ name: 'ada' }) })
  })

  it('follows an asynchronous broker', () => {
    const server = createServer<ChatApi>({ noServer: true, methods: chatMethods, broker: redisBroker({ url: 'redis://127.0.0.1:6379' }) })
    expectTypeOf(server.publish('prices', { price: 1 })).toEqualTypeOf<Promise<number>>()
  })

  it('types a method written apart with ServerMethod', () => {
    const join: ServerMethod<ChatApi, 'room.join', { user: string }> = ({ room }, ctx) => ({ members: [room, ctx.auth.user] })
    expectTypeOf(join).parameter(0).toEqualTypeOf<{ room: string }>()
    // @ts-expect-error not a method of the contract
    type _Nope = ServerMethod<ChatApi, 'room.nope'>
  })
})

describe('createServer without a contract', () => {
  it('is unknown, never any', () => {
    const server = createServer({
      noServer: true,
      methods: {
        anything: (params, ctx) => {
          expectTypeOf(params).toEqualTypeOf<unknown>()
          expectTypeOf(ctx.call('whatever', { x: 1 })).toEqualTypeOf<Promise<unknown>>()
          ctx.notify('any.event', 42)
          ctx.notify('no.payload')
          return params
        },
      },
    })
    expectTypeOf(server).toEqualTypeOf<Server>()
    expectTypeOf(server.publish('any', { x: 1 })).toEqualTypeOf<number>()
    server.publish('empty')
    server.broadcast('any', [1, 2])
    expectTypeOf(server.clients).toEqualTypeOf<ReadonlyMap<string, Context>>()
  })

  it('still refuses destructured params it cannot promise (TS2769, as before)', () => {
    // @ts-expect-error params are unknown without a contract
    createServer({ noServer: true, methods: { join: ({ room }: { room: string }) => room } })
  })

  it('keeps methods optional and MethodHandler loose', () => {
    createServer({ noServer: true })
    const log: MethodHandler = (params) => expectTypeOf(params).toEqualTypeOf<unknown>()
    createServer({ noServer: true, methods: { log } })
  })

  it('infers Auth from authenticate, or takes it second, after the loose Contract', () => {
    createServer({
      noServer: true,
      authenticate: () => ({ user: 'ada' }),
      methods: { me: (_params, ctx) => expectTypeOf(ctx.auth).toEqualTypeOf<{ user: string }>() },
    })
    const server = createServer<Contract, { user: string }>({ noServer: true, authenticate: () => ({ user: 'ada' }) })
    expectTypeOf(server).toEqualTypeOf<Server<{ user: string }>>()
    expectTypeOf(server.clients).toEqualTypeOf<ReadonlyMap<string, Context<{ user: string }>>>()
    // @ts-expect-error the first type argument is the contract: an Auth type there is refused, never taken for one
    createServer<{ user: string }>({ noServer: true })
  })

  it('treats a contract without methods as loose methods, typed events', () => {
    interface Feed {
      events: { tick: number }
    }
    const server = createServer<Feed>({ noServer: true, methods: { anything: (params) => params } })
    server.broadcast('tick', 1)
    // @ts-expect-error not an event of the contract
    server.broadcast('tock', 1)
  })
})
