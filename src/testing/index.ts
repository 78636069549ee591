/**
 * `lifeline-ws/testing`: helpers for testing apps built on lifeline, in
 * vitest, Jest or node:test. Node only (`ws` is a peer dependency).
 * @packageDocumentation
 */
export { createTestServer } from './server'
export { settled } from './settled'
export { leakCheck } from './leaks'
export type { LeakCheckOptions } from './leaks'
export type { SettledOptions } from './settled'
export type { TestServer, TestServerOptions, DropOptions, SubscribeRecord } from './types'
