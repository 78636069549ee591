// Shared by the Svelte tests: the real server and clients of test/store/server.ts, and
// components mounted with Svelte's own `mount`, unmounted after each test.
import { afterEach, vi } from 'vitest'
import { mount, unmount, type Component } from 'svelte'
import { patient } from '../helpers/wait'

export { connect, counted, gate, gatedSlow, onlyClient, spied, startServer, type ChatApi } from '../store/server'

const mounted: Array<() => void> = []

afterEach(() => {
  for (const stop of mounted.splice(0).reverse()) stop()
  document.body.innerHTML = ''
})

/** Mounts `component` into a fresh element; returns the element, the instance and its unmount. */
export function render<Props extends Record<string, unknown>>(component: Component<Props>, props: Props) {
  const target = document.body.appendChild(document.createElement('div'))
  const instance = mount(component, { target, props })
  let done = false
  const destroy = () => {
    if (done) return
    done = true
    void unmount(instance)
  }
  mounted.push(destroy)
  return { target, instance, unmount: destroy, text: () => target.textContent?.trim() ?? '' }
}

/** Waits until `check` stops throwing. */
export const until = (check: () => void) => vi.waitFor(check, patient)
