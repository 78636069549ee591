// call() against a real server: results and errors, abort on unmount and on new params, stale
// answers never shown, refetch, enabled.
import { describe, expect, it } from 'vitest'
import { RpcError } from '../../src/index'
import Slow from './components/Slow.svelte'
import { connect, gate, gatedSlow, render, spied, startServer, until } from './setup'

describe('call', () => {
  it('shows loading, then the result; an RpcError becomes error', async () => {
    const server = await startServer()
    server.method('slow', (params) => {
      const { id } = params as { id: number }
      if (id < 0) throw new RpcError(4000, 'negative')
      return id * 2
    })
    const props = $state({ client: connect(server), id: 21 })
    const view = render(Slow, props)
    expect(view.text()).toBe('loading:-')
    await until(() => expect(view.text()).toBe('done:42'))
    props.id = -1
    await until(() => expect(view.text()).toBe('done:error:negative'))
  })

  it('aborts the call on unmount and never renders its late answer', async () => {
    const server = await startServer()
    const answer = gate<number>()
    server.method('slow', () => answer.promise)
    const { client, signals } = spied(connect(server))
    let renders = 0
    const view = render(Slow, { client, id: 1, onRender: () => renders++ })
    await until(() => expect(server.running).toBe(1))
    expect(signals[0]!.aborted).toBe(false)
    view.unmount()
    expect(signals[0]!.aborted).toBe(true)
    const rendersAtUnmount = renders
    answer.open(7)
    await until(() => expect(server.running).toBe(0))
    await client.call('echo', { text: 'the answer has come back by now' })
    expect(renders).toBe(rendersAtUnmount)
  })

  it('never shows a stale answer: the first call answers after the second', async () => {
    const server = await startServer()
    const answers = gatedSlow(server)
    const { client, signals } = spied(connect(server))
    const props = $state({ client, id: 1 })
    const view = render(Slow, props)
    await until(() => expect(answers.has(1)).toBe(true))
    props.id = 2
    await until(() => expect(answers.has(2)).toBe(true))
    expect(signals[0]!.aborted).toBe(true)
    await client.call('echo', { text: 'the abort has settled by now' })
    expect(view.text()).toBe('loading:-')
    answers.get(2)!.open(200)
    await until(() => expect(view.text()).toBe('done:200'))
    answers.get(1)!.open(100)
    await client.call('echo', { text: 'both answers are in' })
    expect(view.text()).toBe('done:200')
  })

  it('refetch calls again keeping the last data; a disabled call waits', async () => {
    const server = await startServer()
    let count = 0
    server.method('slow', () => ++count)
    const client = connect(server)
    const props = $state({ client, id: 0, enabled: false })
    const view = render(Slow, props)
    expect(view.text()).toBe('done:-')
    await client.call('echo', { text: 'a disabled call would have arrived by now' })
    expect(count).toBe(0)
    props.enabled = true
    await until(() => expect(view.text()).toBe('done:1'))
    ;(view.instance as { refetch(): void }).refetch()
    await until(() => expect(view.text()).toBe('done:2'))
  })
})
