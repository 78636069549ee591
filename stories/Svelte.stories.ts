/**
 * Svelte stores: a Svelte 5 component inside the html gallery (no second
 * Storybook framework: the story's render returns an element that the
 * component mounts into, and the story's cleanup unmounts it). The component
 * stories/svelte/Stores.svelte is compiled by @sveltejs/vite-plugin-svelte
 * (.storybook/main.ts); docs/svelte.md.
 */
import type { Meta, StoryObj } from '@storybook/html-vite'
import { mount, unmount } from 'svelte'
import Stores from './svelte/Stores.svelte'
import { h } from './lib/dom'
import { clientArgTypes, clientArgs, connect, guarded, onCleanup, type ClientArgs } from './lib/story'
import { toolbar } from './lib/toolbar'

const render = (args: ClientArgs): HTMLElement => {
  const client = connect(args)
  const target = h('div', { class: 'svelte-root' })
  const component = mount(Stores, { target, props: { client } })
  onCleanup(() => void unmount(component))
  return h('main', { class: 'story' },
    h('h1', {}, 'Svelte stores'),
    h('p', {}, 'A Svelte component on lifeline-ws/svelte: the badge, the ticker and the call below are stores on one client, read with $. Cut or restart the server and watch them recover.'),
    toolbar(client),
    target)
}

const meta: Meta<ClientArgs> = {
  title: 'Demos/Svelte stores',
  render: guarded(render),
  args: clientArgs,
  argTypes: clientArgTypes,
}
export default meta

export const SvelteStores: StoryObj<ClientArgs> = { name: 'Svelte stores' }
