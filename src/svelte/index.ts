/**
 * `lifeline-ws/svelte`: Svelte stores for a lifeline client (the store
 * contract, so `$topic` works in Svelte 4 and 5), over the framework-neutral
 * stores of `lifeline-ws/store`. Svelte is an optional peer dependency, used
 * for its context only; this entry is built apart.
 * @packageDocumentation
 */
export { setLifeline, getLifeline } from './context'
export type { SetLifelineOptions } from './context'
export { connectionState, topic, event, call } from './stores'
export type { TopicOptions, CallOptions } from './stores'
export { createStores } from './typed'
export type { LifelineStores } from './typed'
export type {
  Readable, TopicStore, TopicState, TopicStatus, EventStore, CallStore, CallState, CallRequest, CallParams,
  LatestTopicOptions, ReducedTopicOptions,
} from '../store/index'
