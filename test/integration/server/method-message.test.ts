// A method's third argument, the message it runs for: requests and notifications told apart, and a
// keyed message's key passed as sent (what lifeline-ws gateway forwards to its backend).
import { expect, it, vi } from 'vitest'
import type { MethodMessage } from '../../../src/server'
import { open, start, url } from './helpers'
import { sessionClient } from './session-client'
import { patient } from '../../helpers/wait'

it('hands each method the request or notification it runs for, with its once key', async () => {
  const seen: MethodMessage[] = []
  const server = await start({ methods: { record: (_params, _ctx, message) => void seen.push(message) } })
  const raw = await open(url(server))
  await raw.call('record', ['plain'], 7)
  raw.send({ jsonrpc: '2.0', method: 'record', params: ['told'] })
  await vi.waitFor(() => expect(seen).toHaveLength(2), patient)
  const session = sessionClient(url(server))
  await session.open()
  session.send({ jsonrpc: '2.0', id: 101, method: 'record', params: ['keyed'], once: ['tab-a', 3] })
  await vi.waitFor(() => expect(seen).toHaveLength(3), patient)
  expect(seen).toEqual([
    { type: 'request', id: 7, method: 'record', params: ['plain'] },
    { type: 'notification', method: 'record', params: ['told'] },
    { type: 'request', id: 101, method: 'record', params: ['keyed'], once: ['tab-a', 3] },
  ])
})
