/**
 * `lifeline-ws/vue`: Vue 3 composables for a lifeline client, returning refs,
 * over the framework-neutral stores of `lifeline-ws/store`. Vue is an
 * optional peer dependency; this entry is built apart, so the core bundles
 * carry none of it.
 * @packageDocumentation
 */
export { createLifeline, provideLifeline, useLifeline, lifelineKey } from './context'
export type { LifelineOptions } from './context'
export { useConnectionState } from './connection-state'
export { useTopic } from './topic'
export type { TopicRefs, TopicOptionsBase, ReducedTopicOptions, LatestTopicOptions } from './topic'
export type { TopicState, TopicStatus, CallState, CallParams } from '../store/index'
export { useEvent } from './event'
export { useCall } from './call'
export type { CallRefs, UseCallOptions } from './call'
export { createComposables } from './composables'
export type { LifelineComposables } from './composables'
export type { FieldRefs } from './fields'
