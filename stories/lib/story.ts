/**
 * What every story shares: the client options exposed as Storybook controls,
 * a client per render, and the cleanup that closes it when the story changes.
 *
 * Storybook's html renderer has no unmount hook: it just replaces the canvas.
 * So each render registers its teardown here: .storybook/preview.ts opens a
 * scope per story (`storyScope`, torn down with the story) and runs `cleanup()`
 * before every render (args changes re-render without a new scope). A story
 * that forgot to close its client would keep reconnecting in the background
 * for as long as the tab lives.
 * @internal
 */
import type { ArgTypes } from '@storybook/html-vite'
// lifeline-ws/share's createClient: the same client, and the Sharing story passes `share`.
import { createClient, type Client, type ClientOptions } from '../../src/share'
import type { DemoApi } from './api'
import { socketUrl } from './demo'
import { h } from './dom'

let scope: Array<() => void> = []

/** Runs `fn` when the current story is unmounted or re-rendered. */
export function onCleanup(fn: () => void): void {
  scope.push(fn)
}

/** Repeats `fn` every `ms` until the story is cleaned up. */
export function every(ms: number, fn: () => void): void {
  const id = setInterval(fn, ms)
  onCleanup(() => clearInterval(id))
}

const dispose = (list: Array<() => void>) => {
  for (const fn of list.splice(0).reverse()) {
    try {
      fn()
    } catch (err) {
      console.error('story cleanup failed', err)
    }
  }
}

/**
 * Opens a scope for a story about to render and returns its teardown. The
 * teardown only touches its own scope: Storybook may tear down an aborted
 * render after the next one has started (a hot update does this), and that
 * must not close the new render's client.
 */
export function storyScope(): () => void {
  dispose(scope)
  const mine: Array<() => void> = []
  scope = mine
  return () => dispose(mine)
}

/** Tears down what the current scope registered: before every render, args changes included. */
export function cleanup(): void {
  dispose(scope)
}

/** The options that matter, as flat args so Storybook can show a control for each. */
export interface ClientArgs {
  heartbeatInterval: number
  heartbeatTimeout: number
  initialDelay: number
  maxDelay: number
  maxMessages: number
  overflow: 'drop-oldest' | 'drop-newest' | 'error'
}

/**
 * Demo defaults: shorter than the library's (25 s / 10 s heartbeat, 1 s / 30 s
 * backoff) so a blackholed connection is noticed in seconds, not half a minute.
 */
export const clientArgs: ClientArgs = {
  heartbeatInterval: 3000,
  heartbeatTimeout: 2000,
  initialDelay: 500,
  maxDelay: 5000,
  maxMessages: 100,
  overflow: 'drop-oldest',
}

/**
 * A number control with a readable name; the option it sets is named in the
 * description, and the Default column shows the library's own default (the
 * demo starts with shorter values, see `clientArgs`).
 */
const number = (category: string, name: string, description: string, min: number, step: number, libraryDefault: string) =>
  ({ name, control: { type: 'number' as const, min, step }, description, table: { category, defaultValue: { summary: libraryDefault } } })

export const clientArgTypes: ArgTypes<ClientArgs> = {
  heartbeatInterval: number('Heartbeat', 'Heartbeat interval (ms)',
    'Silence before the client sends a ping (`heartbeat.interval`). Lower notices a blackhole sooner.', 100, 500, '25000'),
  heartbeatTimeout: number('Heartbeat', 'Heartbeat timeout (ms)',
    'How long to wait for any frame after a ping before the socket is declared dead (`heartbeat.timeout`).', 100, 500, '10000'),
  initialDelay: number('Reconnect', 'First retry delay (ms)',
    'Backoff before the first reconnect attempt; it doubles each attempt, with full jitter (`reconnect.initialDelay`).', 0, 100, '1000'),
  maxDelay: number('Reconnect', 'Longest retry delay (ms)', 'Cap on the backoff (`reconnect.maxDelay`).', 0, 500, '30000'),
  maxMessages: number('Offline queue', 'Queue size (frames)',
    'Most frames held while the socket is not open (`queue.maxMessages`).', 1, 1, '1000'),
  overflow: {
    name: 'When the queue is full',
    control: { type: 'select', labels: { 'drop-oldest': 'drop the oldest frame', 'drop-newest': 'drop the new frame', error: 'throw QueueFullError' } },
    options: ['drop-oldest', 'drop-newest', 'error'],
    description: 'What a full outbox does with one more frame (`queue.overflow`).',
    table: { category: 'Offline queue', defaultValue: { summary: 'drop-oldest' } },
  },
}

/** The client options a story's args stand for. */
export function optionsFrom(args: ClientArgs): ClientOptions {
  return {
    heartbeat: { interval: args.heartbeatInterval, timeout: args.heartbeatTimeout },
    reconnect: { initialDelay: args.initialDelay, maxDelay: args.maxDelay },
    queue: { maxMessages: args.maxMessages, overflow: args.overflow },
  }
}

/** A client for the demo server, closed when the story goes away. */
export function connect(args: ClientArgs, extra: ClientOptions = {}): Client<DemoApi> {
  const client = createClient<DemoApi>(socketUrl, { ...optionsFrom(args), ...extra })
  onCleanup(() => client.close(1000, 'story closed'))
  return client
}

let remountCurrent: (() => void) | undefined

/** Tears the current render down and renders the story again with a new client (after `close()`, say). */
export function remount(): void {
  remountCurrent?.()
}

/**
 * Wraps a story's render so that bad args (say maxDelay below initialDelay,
 * which createClient rejects with a RangeError) show the error instead of a
 * blank canvas, and so that `remount()` can start the story over in place.
 */
export function guarded<A>(render: (args: A) => HTMLElement): (args: A) => HTMLElement {
  return (args) => {
    const root = h('div', { class: 'story-root' })
    const draw = () => {
      try {
        root.replaceChildren(render(args))
      } catch (err) {
        cleanup()
        root.replaceChildren(h('div', { class: 'panel error', role: 'alert' },
          h('strong', {}, (err as Error).name ?? 'Error'), ': ', (err as Error).message ?? String(err)))
      }
    }
    remountCurrent = () => {
      cleanup()
      draw()
    }
    draw()
    return root
  }
}
