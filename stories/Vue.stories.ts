/**
 * Vue composables: a Vue app inside the html gallery (no second Storybook
 * framework: the story's render returns an element that the app mounts into,
 * and the story's cleanup unmounts it). The single-file component
 * stories/vue/Composables.vue is compiled by @vitejs/plugin-vue
 * (.storybook/main.ts); docs/vue.md.
 */
import type { Meta, StoryObj } from '@storybook/html-vite'
import { createApp } from 'vue'
import { createLifeline } from '../src/vue/index'
import Composables from './vue/Composables.vue'
import { h } from './lib/dom'
import { clientArgTypes, clientArgs, connect, guarded, onCleanup, type ClientArgs } from './lib/story'
import { toolbar } from './lib/toolbar'

const render = (args: ClientArgs): HTMLElement => {
  const client = connect(args)
  const mount = h('div', { class: 'vue-root' })
  const app = createApp(Composables).use(createLifeline(client))
  app.mount(mount)
  onCleanup(() => app.unmount())
  return h('main', { class: 'story' },
    h('h1', {}, 'Vue composables'),
    h('p', {}, 'A Vue app on lifeline-ws/vue: the badge, the ticker and the call below are composables on one client, each a ref. Cut or restart the server and watch them recover.'),
    toolbar(client),
    mount)
}

const meta: Meta<ClientArgs> = {
  title: 'Demos/Vue composables',
  render: guarded(render),
  args: clientArgs,
  argTypes: clientArgTypes,
}
export default meta

export const VueComposables: StoryObj<ClientArgs> = { name: 'Vue composables' }
