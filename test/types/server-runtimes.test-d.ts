// lifeline-ws/server/deno and /bun: the same options and types as lifeline-ws/server under the same
// names, with the request a WebUpgradeRequest (the web Request as `raw`) instead of Node's
// IncomingMessage, a port or noServer but never Node's `server`, and each runtime's handleUpgrade.
import type { IncomingMessage } from 'node:http'
import { describe, expectTypeOf, it } from 'vitest'
import { createServer as createDenoServer, type Context as DenoContext, type DenoServeInfo, type WebUpgradeRequest } from '../../src/server/deno'
import { createServer as createBunServer, redisBroker, type BunServer, type BunWebSocketHandler, type MethodHandler } from '../../src/server/bun'
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
