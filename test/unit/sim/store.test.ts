import { describe, expect, it } from 'vitest'
import { seeded } from '../../chaos/prng'
import { Scheduler } from '../../sim/kernel/scheduler'
import { SimRedis } from '../../sim/world/store'
import type { SessionState } from '../../../src/server/sessions/store'

const EPOCH = 1_000_000

function world() {
  const scheduler = new Scheduler()
  const redis = new SimRedis(scheduler, seeded(3), [1, 5], EPOCH)
  const run = async () => {
    for (let event = scheduler.next(); event; event = scheduler.next()) {
      event.fn()
      await new Promise((resolve) => setImmediate(resolve))
    }
  }
  const state = (id: string, received = 0): SessionState => ({ id, received, sent: 0, frames: [], expires: EPOCH + scheduler.now + 60_000 })
  return { scheduler, redis, run, state }
}

describe('the simulated Redis', () => {
  it('hands a saved session to one taker only', async () => {
    const { redis, run, state } = world()
    const a = redis.storeFor('s0#1', false)
    const b = redis.storeFor('s1#1', false)
    await Promise.all([a.save(state('x', 3)), run()])
    const [first, second] = await Promise.all([b.take('x'), a.take('x'), run()])
    expect([first?.received, second?.received].sort()).toEqual([3, undefined])
  })

  it('fences a journal off once another process took its session', async () => {
    const { redis, run, state } = world()
    const journal = redis.storeFor('s0#1', true).journal!(state('x'))
    await Promise.all([journal.start(1, false), run()])
    const taken = redis.storeFor('s1#1', true).take('x')
    await run()
    expect((await taken)?.received).toBe(1)
    const late = journal.start(2, false).then(() => undefined, (err: unknown) => err)
    await run()
    expect(String(await late)).toMatch(/SessionTakenError: lifeline-ws\/server: session x was taken over/)
    expect(await Promise.all([journal.owned(), run()]).then(([owned]) => owned)).toBe(false)
  })

  it('keeps commands while frozen and runs them in order when it thaws', async () => {
    const { redis, run, state } = world()
    const journal = redis.storeFor('s0#1', true).journal!(state('x'))
    await run()
    redis.freeze()
    const order: string[] = []
    void journal.push('one').then(() => order.push('one'))
    void journal.push('two').then(() => order.push('two'))
    await run()
    expect(order).toEqual([])
    redis.thaw()
    await run()
    expect(order).toEqual(['one', 'two'])
    const taken = await Promise.all([redis.storeFor('s1#1', true).take('x'), run()]).then(([found]) => found)
    expect(taken?.frames).toEqual(['one', 'two'])
  })

  it('applies a command whose process crashed before the reply: the reply never comes', async () => {
    const { redis, run, state, scheduler } = world()
    const journal = redis.storeFor('s0#1', true).journal!(state('x'))
    await run()
    let replied = false
    void journal.start(1, true).then(() => {
      replied = true
    })
    scheduler.kill('s0#1')
    await run()
    expect(replied).toBe(false)
    const taken = await Promise.all([redis.storeFor('s1#1', true).take('x'), run()]).then(([found]) => found)
    expect(taken?.received).toBe(1)
    expect(taken?.running).toEqual([1])
  })

  it('forgets a session at its expiry', async () => {
    const { redis, run, scheduler } = world()
    const store = redis.storeFor('s0#1', false)
    await Promise.all([store.save({ id: 'x', received: 0, sent: 0, frames: [], expires: EPOCH + 100 }), run()])
    scheduler.at(200, 'world', 'later', () => {})
    await run()
    expect(await Promise.all([store.take('x'), run()]).then(([found]) => found)).toBeUndefined()
  })
})
