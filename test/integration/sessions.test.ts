/**
 * Sessions end to end (#14): the lifeline client against lifeline-ws/server through the fault proxy.
 * Every notification reaches the server exactly once, in order, across RST cuts and a blackholed
 * (half-open) path; a call in flight across a cut settles with its real answer.
 */
import { describe, expect, it, vi } from 'vitest'
import { start } from './server/helpers'
import { client } from './server/client-helper'
import { createFaultProxy } from '../helpers/fault-proxy'
import { patient } from '../helpers/wait'

const counting = (into: number[]) => ({ log: (params: unknown) => void into.push((params as { n: number }).n) })

describe('sessions through faults', () => {
  it('delivers every notification once, in order, across RST cuts mid-stream', async () => {
    const seen: number[] = []
    const server = await start({ methods: counting(seen) })
    const proxy = await createFaultProxy(server.port!)
    const c = client(proxy.url('/'), { heartbeat: { interval: 200, timeout: 300 } })
    const sessions: boolean[] = []
    c.on('session', ({ resumed }) => sessions.push(resumed))
    await c.ready()
    const total = 600
    for (let n = 0; n < total; n++) {
      c.notify('log', { n })
      if (n === 200 || n === 400) proxy.reset()
    }
    await vi.waitFor(() => expect(seen.length).toBeGreaterThanOrEqual(total), { ...patient, timeout: 20_000 })
    expect(seen).toEqual(Array.from({ length: total }, (_, n) => n))
    expect(sessions[0]).toBe(false)
    expect(sessions.slice(1).every(Boolean)).toBe(true)
    await proxy.close()
  })

  it('delivers across a blackholed path (a half-open socket) that the heartbeat replaces', async () => {
    const seen: number[] = []
    const server = await start({ methods: counting(seen) })
    const proxy = await createFaultProxy(server.port!)
    const c = client(proxy.url('/'), { heartbeat: { interval: 200, timeout: 300 } })
    await c.ready()
    for (let n = 0; n < 5; n++) c.notify('log', { n })
    await vi.waitFor(() => expect(seen.length).toBe(5), patient)
    proxy.set('blackhole')
    for (let n = 5; n < 20; n++) c.notify('log', { n })
    await vi.waitFor(() => expect(c.state).not.toBe('open'), patient)
    proxy.set('pass')
    await vi.waitFor(() => expect(seen.length).toBeGreaterThanOrEqual(20), { ...patient, timeout: 15_000 })
    expect(seen).toEqual(Array.from({ length: 20 }, (_, n) => n))
    await proxy.close()
  })

  it('settles a call in flight across a cut with its real answer', async () => {
    let release: () => void = () => {}
    const held = new Promise<void>((resolve) => {
      release = resolve
    })
    let runs = 0
    const server = await start({
      methods: {
        slow: async () => {
          runs++
          await held
          return 'done'
        },
      },
    })
    const proxy = await createFaultProxy(server.port!)
    const c = client(proxy.url('/'), { heartbeat: { interval: 200, timeout: 300 } })
    await c.ready()
    const call = c.call('slow')
    await vi.waitFor(() => expect(runs).toBe(1), patient)
    proxy.reset()
    await vi.waitFor(() => expect(['reconnecting', 'open']).toContain(c.state), patient)
    release()
    await expect(call).resolves.toBe('done')
    expect(runs).toBe(1)
    await proxy.close()
  })
})
