// The server's publish type follows its broker: a number with the in-memory broker (the default),
// a promise of one with an asynchronous broker such as Redis.
import { describe, expectTypeOf, it } from 'vitest'
import { createServer, memoryBroker, redisBroker, type ClusterCounts } from '../../src/server'

describe('createServer with a broker', () => {
  it('publish returns a number in memory and a promise on Redis', () => {
    expectTypeOf(createServer({ noServer: true }).publish('t', 1)).toEqualTypeOf<number>()
    expectTypeOf(createServer({ noServer: true, broker: memoryBroker() }).publish('t')).toEqualTypeOf<number>()
    const onRedis = createServer({ noServer: true, broker: redisBroker({ url: 'redis://127.0.0.1:6379' }) })
    expectTypeOf(onRedis.publish('t', { a: 1 })).toEqualTypeOf<Promise<number>>()
    expectTypeOf(onRedis.cluster()).toEqualTypeOf<Promise<ClusterCounts>>()
  })

  it('refuses what is not a broker or a Redis option', () => {
    // @ts-expect-error a broker needs start, publish, history, broadcast, cluster and stop
    createServer({ noServer: true, broker: { publish: () => 1 } })
    // @ts-expect-error the Redis history has limit and maxAge only
    redisBroker({ url: 'redis://x', history: { size: 1 } })
  })
})
