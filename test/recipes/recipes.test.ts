// The Solid and Angular recipes of docs/frameworks.md, loaded from the page itself (see
// doc-blocks.ts), against a real server: each follows a topic, and lets it go with its owner.
import { createRoot } from 'solid-js'
import { createEnvironmentInjector, EnvironmentInjector, Injector, runInInjectionContext } from '@angular/core'
import { describe, expect, it, vi } from 'vitest'
import { topicStore } from '../../src/store/index'
import { useStore } from 'doc:docs/frameworks.md/solid-lifeline.ts'
import { storeSignal } from 'doc:docs/frameworks.md/angular-lifeline.ts'
import { patient } from '../helpers/wait'
import { connect, counted, onlyClient, startServer } from '../store/server'

const until = (check: () => void) => vi.waitFor(check, patient)

describe('the Solid recipe', () => {
  it('is a signal of the topic, and unsubscribes when its root is disposed', async () => {
    const server = await startServer()
    const { client, held } = counted(connect(server))
    const { room, dispose } = createRoot((dispose) => ({ room: useStore(topicStore(client, 'room')), dispose }))
    expect(room().status).toBe('subscribing')
    await until(() => expect(room().status).toBe('ready'))
    server.publish('room', { from: 'ada', text: 'hi' })
    await until(() => expect(room().data).toEqual({ from: 'ada', text: 'hi' }))
    expect(held.subscribe).toBe(1)
    dispose()
    await until(() => expect(onlyClient(server)?.topics).not.toContain('room'))
    expect(held.subscribe).toBe(0)
  })
})

describe('the Angular recipe', () => {
  it('is a signal of the topic, and unsubscribes when its injector is destroyed', async () => {
    const server = await startServer()
    const { client, held } = counted(connect(server))
    const injector = createEnvironmentInjector([], Injector.create({ providers: [] }) as EnvironmentInjector)
    const room = runInInjectionContext(injector, () => storeSignal(topicStore(client, 'room')))
    expect(room().status).toBe('subscribing')
    await until(() => expect(room().status).toBe('ready'))
    server.publish('room', { from: 'ada', text: 'hi' })
    await until(() => expect(room().data).toEqual({ from: 'ada', text: 'hi' }))
    expect(held.subscribe).toBe(1)
    injector.destroy()
    await until(() => expect(onlyClient(server)?.topics).not.toContain('room'))
    expect(held.subscribe).toBe(0)
  })
})
