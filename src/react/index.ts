/**
 * `lifeline-ws/react`: React hooks for a lifeline client, on
 * `useSyncExternalStore`. React is an optional peer dependency; this entry is
 * built apart, so the core bundles carry none of it.
 * @packageDocumentation
 */
export { LifelineProvider, useLifeline } from './context'
export type { LifelineProviderProps } from './context'
export { useConnectionState, SERVER_STATE } from './connection-state'
export { useTopic } from './topic'
export type { TopicState, TopicStatus, TopicOptionsBase, ReducedTopicOptions, LatestTopicOptions } from './topic'
export { useEvent } from './event'
export { useCall } from './call'
export type { CallState, CallParams, UseCallOptions } from './call'
export { createHooks } from './hooks'
export type { LifelineHooks } from './hooks'
