/**
 * `share` end to end: tabs (fake locks and channels, one process) sharing one connection to a real
 * lifeline-ws/server on port 0.
 */
import { describe, expect, it } from 'vitest'
import { isRpcError } from '../../../src/index'
import { start, until, url } from '../server/helpers'
import { createTabs } from './tabs'

describe('share: one connection for every tab', () => {
  it('elects one leader, opens one connection, and routes each reply to the tab that asked', async () => {
    const seen: unknown[] = []
    const server = await start({
      methods: {
        echo: (params) => params,
        log: (params) => void seen.push(params),
        fail: () => {
          throw Object.assign(new Error('nope'), { code: 4000 })
        },
      },
    })
    const { open } = createTabs(url(server))
    const tabs = [open(), open(), open()]
    await Promise.all(tabs.map((t) => t.client.ready()))
    expect(tabs.map((t) => t.client.role).sort()).toEqual(['follower', 'follower', 'leader'])
    expect(server.stats.connections).toBe(1)
    const answers = await Promise.all(tabs.map((t, n) => t.client.call('echo', { n })))
    expect(answers).toEqual([{ n: 0 }, { n: 1 }, { n: 2 }])
    tabs.forEach((t, n) => t.client.notify('log', { n }))
    await until(() => seen.length === 3)
    expect(seen).toEqual(expect.arrayContaining([{ n: 0 }, { n: 1 }, { n: 2 }]))
    const failed = await tabs[2]!.client.call('fail').catch((err: unknown) => err)
    expect(isRpcError(failed)).toBe(true)
    expect(server.stats.connections).toBe(1)
    expect(tabs.flatMap((t) => t.errors)).toEqual([])
  })
})
