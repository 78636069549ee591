// Shared by the composable tests: the real server and clients of test/store/server.ts, every
// mounted wrapper unmounted after each test, and a mount helper that provides the client.
import { afterEach, vi } from 'vitest'
import { enableAutoUnmount, mount } from '@vue/test-utils'
import type { Component } from 'vue'
import type { Client } from '../../src/index'
import { createLifeline } from '../../src/vue/index'
import { patient } from '../helpers/wait'
import type { ChatApi } from '../store/server'

export { connect, counted, gate, gatedSlow, onlyClient, spied, startServer, type ChatApi } from '../store/server'

enableAutoUnmount(afterEach)

/** Mounts `component` in an app that has `client` installed with the plugin. */
export function mountWith(client: Client<ChatApi>, component: Component, props: Record<string, unknown> = {}) {
  return mount(component, { props, global: { plugins: [createLifeline(client)] } })
}

/** Waits until `check` stops throwing (DOM updates are a microtask behind the data). */
export const until = (check: () => void) => vi.waitFor(check, patient)
