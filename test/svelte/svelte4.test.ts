// Svelte 4 itself: a component compiled by Svelte 4's compiler and mounted on its runtime
// (`new Component({ target, props })`, `$set`, `$destroy`) reads lifeline stores with `$room`,
// follows a new topic name from a prop, and lets go of everything when destroyed.
import { describe, expect, it } from 'vitest'
import Svelte4Room from './components/Svelte4Room.svelte4'
import { connect, counted, onlyClient, startServer, until } from './setup'

describe('Svelte 4', () => {
  it('reads the stores with $store, follows a prop, and releases them on $destroy', async () => {
    const server = await startServer()
    const { client, held } = counted(connect(server))
    const target = document.body.appendChild(document.createElement('div'))
    const component = new Svelte4Room({ target, props: { client, name: 'room' } })
    await until(() => expect(target.textContent).toBe('room:ready:empty:number'))
    server.publish('room', { from: 'ada', text: 'hi' })
    await until(() => expect(target.textContent).toBe('room:ready:hi:number'))
    component.$set({ name: 'clock' })
    await until(() => expect(target.textContent).toBe('clock:ready:empty:number'))
    await until(() => expect(onlyClient(server)!.topics).not.toContain('room'))
    component.$destroy()
    await until(() => expect(held).toEqual({ on: 0, listen: 0, subscribe: 0, call: 0 }))
    await until(() => expect(onlyClient(server)!.topics.size).toBe(0))
  })
})
