// lifeline-ws/server/deno and /bun: the same options and types as lifeline-ws/server under the same
// names, with the request a WebUpgradeRequest (the web Request as `raw`) instead of Node's
// IncomingMessage, a port or noServer but never Node's `server`, and each runtime's handleUpgrade.
import type { IncomingMessage } from 'node:http'
import { describe, expectTypeOf, it } from 'vitest'
import { createServer as createDenoServer, type Context as DenoContext, type DenoServeInfo, type WebUpgradeRequest } from '../../src/server/deno'
import {
  createServer as createBunServer, redisBroker, type BunServer, type BunWebSocketHandler, type MethodHandler,
  type ServerMethod as BunServerMethod, type ServerMethods as BunServerMethods,
} from '../../src/server/bun'
import type { Context as NodeContext, UpgradeRequest } from '../../src/server'

describe('the Deno and Bun entries', () => {
  it("give methods and hooks a WebUpgradeRequest, which has every member of Node's that the door reads", () => {
    createDenoServer({
      port: 8080,
      authenticate: (request) => {
        expectTypeOf(request).toEqualTypeOf<WebUpgradeRequest>()
        expectTypeOf(request.raw).toEqualTypeOf<Request>()
        return request.headers.cookie ?? null
      },
      methods: {
        whereFrom: (_params, ctx) => {
          expectTypeOf(ctx.request).toEqualTypeOf<WebUpgradeRequest>()
          return ctx.request.socket.remoteAddress
        },
      },
    })
    expectTypeOf<WebUpgradeRequest>().toExtend<UpgradeRequest>()
    expectTypeOf<IncomingMessage>().toExtend<UpgradeRequest>()
    expectTypeOf<DenoContext['request']>().toEqualTypeOf<WebUpgradeRequest>()
    expectTypeOf<NodeContext['request']>().toEqualTypeOf<IncomingMessage>()
    expectTypeOf<Parameters<MethodHandler>[1]['request']>().toEqualTypeOf<WebUpgradeRequest>()
  })

  it("answer each runtime's upgrades, and type publish by the broker as lifeline-ws/server does", () => {
    const deno = createDenoServer({ noServer: true })
    expectTypeOf(deno.handleUpgrade).toEqualTypeOf<(request: Request, info: DenoServeInfo) => Promise<Response> | undefined>()
    expectTypeOf(deno.publish('t', 1)).toEqualTypeOf<number>()
    expectTypeOf(deno.port).toEqualTypeOf<number | undefined>()
    const bun = createBunServer({ noServer: true, broker: redisBroker({ url: 'redis://127.0.0.1:6379' }) })
    expectTypeOf(bun.handleUpgrade).toEqualTypeOf<(request: Request, server: BunServer) => Promise<Response | undefined> | undefined>()
    expectTypeOf(bun.websocket).toEqualTypeOf<BunWebSocketHandler>()
    expectTypeOf(bun.publish('t', 1)).toEqualTypeOf<Promise<number>>()
  })

  it("refuse Node's server option, and listening both ways or neither", () => {
    // @ts-expect-error `server` is lifeline-ws/server's (a Node http server)
    createDenoServer({ server: {} })
    // @ts-expect-error a port, or noServer: not both
    createBunServer({ port: 8080, noServer: true })
    // @ts-expect-error where to listen is required
    createBunServer({ methods: {} })
    // @ts-expect-error Node's address() is not there: the port is
    createDenoServer({ port: 0 }).address()
  })
})

// The contract createClient<C> takes types these entries as it types lifeline-ws/server: the request
// stays the runtime's, the names and payloads are the contract's.
interface RoomsApi {
  methods: { 'room.join': (p: { room: string }) => { members: string[] }; 'server.time': () => number }
  events: { typing: { user: string } }
  topics: { [room: `room:${string}`]: { text: string } }
  handlers: { 'client.version': () => string }
}

describe('the Deno and Bun entries with a contract', () => {
  it('type each method, its context and its request from the contract and the runtime', () => {
    createDenoServer<RoomsApi, { user: string }>({
      port: 8080,
      authenticate: (request) => ({ user: request.headers['x-user'] as string }),
      methods: {
        'room.join': ({ room }, ctx) => {
          expectTypeOf(room).toEqualTypeOf<string>()
          expectTypeOf(ctx).toEqualTypeOf<DenoContext<{ user: string }, RoomsApi>>()
          expectTypeOf(ctx.request).toEqualTypeOf<WebUpgradeRequest>()
          expectTypeOf(ctx.auth.user).toEqualTypeOf<string>()
          ctx.notify('typing', { user: ctx.auth.user })
          // @ts-expect-error the contract's typing event carries a user
          ctx.notify('typing', { who: 'ada' })
          expectTypeOf(ctx.call('client.version')).toEqualTypeOf<Promise<string>>()
          return { members: [room] }
        },
        'server.time': () => Date.now(),
      },
      onConnect: (ctx) => expectTypeOf(ctx).toEqualTypeOf<DenoContext<{ user: string }, RoomsApi>>(),
    })
    const time: BunServerMethod<RoomsApi, 'server.time'> = (params, ctx) => {
      expectTypeOf(params).toEqualTypeOf<undefined>()
      expectTypeOf(ctx.request).toEqualTypeOf<WebUpgradeRequest>()
      return 0
    }
    const methods: BunServerMethods<RoomsApi> = { 'room.join': ({ room }) => ({ members: [room] }), 'server.time': time }
    createBunServer<RoomsApi>({ noServer: true, methods })
  })

  it('refuse a missing method, a wrong result, a topic or an event the contract has not', () => {
    // @ts-expect-error server.time is in the contract
    createDenoServer<RoomsApi>({ port: 8080, methods: { 'room.join': ({ room }) => ({ members: [room] }) } })
    createBunServer<RoomsApi>({
      noServer: true,
      methods: {
        'room.join': ({ room }) => ({ members: [room] }),
        // @ts-expect-error the contract's server.time answers a number
        'server.time': () => 'now',
      },
    })
    const deno = createDenoServer<RoomsApi>({ noServer: true, methods: { 'room.join': () => ({ members: [] }), 'server.time': () => 0 } })
    expectTypeOf(deno.publish('room:lobby', { text: 'hi' })).toEqualTypeOf<number>()
    // @ts-expect-error no such topic in the contract
    deno.publish('news', { text: 'hi' })
    // @ts-expect-error a room's message has text
    deno.publish('room:lobby', { body: 'hi' })
    deno.broadcast('typing', { user: 'ada' })
    // @ts-expect-error no such event in the contract
    deno.broadcast('restart')
    expectTypeOf(deno.clients).toEqualTypeOf<ReadonlyMap<string, DenoContext<unknown, RoomsApi>>>()
    const bun = createBunServer<RoomsApi>({
      noServer: true,
      broker: redisBroker({ url: 'redis://127.0.0.1:6379' }),
      methods: { 'room.join': () => ({ members: [] }), 'server.time': () => 0 },
    })
    expectTypeOf(bun.publish('room:lobby', { text: 'hi' })).toEqualTypeOf<Promise<number>>()
  })

  it('stay loose without a contract, as before contracts', () => {
    const loose: MethodHandler = (params, ctx) => {
      expectTypeOf(params).toEqualTypeOf<unknown>()
      expectTypeOf(ctx.request).toEqualTypeOf<WebUpgradeRequest>()
      return ctx.call('anything', params)
    }
    createBunServer({ port: 8080, methods: { loose } }).publish('any-topic', { any: 'data' })
  })
})
