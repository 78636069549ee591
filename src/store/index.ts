/**
 * `lifeline-ws/store`: the framework-neutral reactive core under the React, Vue and Svelte
 * bindings. Each store is Svelte's store contract plus `get()`: `subscribe(run)` calls `run`
 * at once and on every change and returns the unsubscribe; work (a topic subscription, a
 * listener, a call) starts with the first subscriber and stops after the last. Svelte's
 * `$store`, Solid's `from()`, React's `useSyncExternalStore` and Angular or Vue signals take
 * them as they are. No framework is imported here.
 * @packageDocumentation
 */
export type { Readable } from './readable'
export { connectionStore } from './connection'
export { topicStore } from './topic'
export type { TopicState, TopicStatus, TopicStore, TopicOptionsBase, ReducedTopicOptions, LatestTopicOptions } from './topic'
export { eventStore } from './event'
export type { EventStore } from './event'
export { callStore } from './call'
export type { CallStore, CallState, CallRequest, CallParams } from './call'
