/**
 * Where composables find their client: the app's plugin (`app.use(createLifeline(client))`),
 * the nearest `provideLifeline(client)`, or the client given to the composable.
 * @module
 */
import { hasInjectionContext, inject, onMounted, provide, type App, type InjectionKey } from 'vue'
import type { Client, Contract } from '../index'

/** The injection key the plugin and `provideLifeline` provide the client under. */
export const lifelineKey: InjectionKey<Client<Contract>> = Symbol('lifeline')

/** Options of {@link createLifeline} and {@link provideLifeline}. */
export interface LifelineOptions {
  /**
   * Calls `client.connect()` once the app (or the providing component) is mounted, when the
   * client is lazy (state `'idle'`). Mounting happens in the browser only, so with a lazy client a
   * server render (`@vue/server-renderer`, Nuxt) constructs no `WebSocket`.
   * @default true
   */
  connect?: boolean
}

const connectLazy = (client: Client<Contract>, options: LifelineOptions) => {
  if ((options.connect ?? true) && client.state === 'idle') client.connect()
}

/**
 * The plugin: provides `client` to every component of the app and connects a lazy client when
 * the app mounts. It never closes the client: whoever created it owns it.
 * @example
 * const client = createClient<ChatApi>('/ws', { lazy: true })
 * createApp(App).use(createLifeline(client)).mount('#app')
 */
export function createLifeline<C extends Contract>(client: Client<C>, options: LifelineOptions = {}): { install(app: App): void } {
  return {
    install(app) {
      app.provide(lifelineKey, client as unknown as Client<Contract>)
      // app.mount runs in the browser only (a server render calls renderToString instead).
      const mount = app.mount.bind(app)
      app.mount = (...args: Parameters<App['mount']>) => {
        const root = mount(...args)
        connectLazy(client as unknown as Client<Contract>, options)
        return root
      }
    },
  }
}

/**
 * Provides `client` to the calling component's descendants (for a subtree with its own client);
 * connects a lazy client once the component is mounted.
 * @example
 * // in <script setup> of a component that owns a document's connection
 * provideLifeline(client)
 */
export function provideLifeline<C extends Contract>(client: Client<C>, options: LifelineOptions = {}): void {
  provide(lifelineKey, client as unknown as Client<Contract>)
  onMounted(() => connectLazy(client as unknown as Client<Contract>, options))
}

/**
 * The client a composable should use: `client` when given, else the provided one. Throws when
 * there is neither, naming the ways to give one.
 * @example
 * const client = useLifeline<ChatApi>()
 */
export function useLifeline<C extends Contract = Contract>(client?: Client<C>): Client<C> {
  if (client) return client
  const provided = hasInjectionContext() ? inject(lifelineKey, undefined) : undefined
  if (!provided) {
    throw new Error('lifeline-ws/vue: no client: pass one to the composable, app.use(createLifeline(client)), or provideLifeline(client) in a parent')
  }
  return provided as unknown as Client<C>
}
